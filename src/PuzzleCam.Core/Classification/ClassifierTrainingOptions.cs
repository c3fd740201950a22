namespace PuzzleCam.Classification;

/// <summary>
/// Stage 1: the classifier trained on image-level tags, with the puzzle module (<c>train_classification_with_puzzle.py</c>)
/// or without it (the baseline <c>train_classification.py</c>). Defaults are the reference script's.
/// </summary>
public sealed record ClassifierTrainingOptions() : TrainingOptions(maxEpoch: 15, learningRate: 0.1, weightDecay: 1e-4, minImageSize: 320, maxImageSize: 640)
{
    /// <summary>Split with masks whose CAM mIoU selects the checkpoint (the reference uses train: the checkpoint is selected on pixel ground truth, though training sees only tags).</summary>
    public string EvalDomain { get; init; } = "train";

    /// <summary><c>--architecture</c>: resnet50, resnet101, resnest50/101/200/269.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary><c>--mode</c>: normal (BatchNorm with batch statistics) or fix (frozen statistics).</summary>
    public NormMode Mode { get; init; } = NormMode.Normal;

    /// <summary>
    /// <c>--augment</c>: "colorjitter", "randaugment" or both joined (e.g. "colorjitter_randaugment") add those colour
    /// augmentations after the flip; "" (the default) adds none. See <see cref="Data.Transforms.AugmentationOptions.Augment"/>.
    /// </summary>
    public string Augment { get; init; } = "";

    /// <summary>Train with the puzzle module (false: the baseline classifier).</summary>
    public bool Puzzle { get; init; } = true;

    /// <summary><c>--num_pieces</c>: tiles per image, a perfect square.</summary>
    public int NumPieces { get; init; } = 4;

    /// <summary>The loss terms (<c>--loss_option</c>, <c>--level</c>, <c>--re_loss</c>, <c>--re_loss_option</c>, <c>--alpha</c>, <c>--alpha_schedule</c>).</summary>
    public PuzzleLossOptions Losses { get; init; } = new();

    /// <summary>Evaluate (and maybe save) every this many iterations; null: once per epoch, as the reference.</summary>
    public long? EvalEvery { get; init; }

    public override void Validate()
    {
        base.Validate();
        if (EvalEvery is < 1) throw new BadInputException($"--eval_every must be at least 1, got {EvalEvery}");
        if (ImageSize < 16 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a positive multiple of 16, got {ImageSize}");
        Data.Transforms.AugmentationOptions.ParseAugment(Augment);
        int k = (int)Math.Round(Math.Sqrt(NumPieces));
        if (NumPieces < 1 || k * k != NumPieces) throw new BadInputException($"--num_pieces must be a perfect square, got {NumPieces}");
        if (Puzzle && (ImageSize / 16) % k != 0) throw new BadInputException($"--image_size {ImageSize} gives a {ImageSize / 16}-cell feature map that {k}x{k} tiles do not divide");
    }

    /// <inheritdoc/>
    public override TrainingStage OpenStage(CancellationToken cancel)
    {
        var train = OpenTrainingSplit();
        var evaluation = VocDataset.Open(DataDir, ImageListSource.FromDomain(EvalDomain));
        train.CheckReadable(cancel);
        evaluation.CheckReadable(cancel);
        return new ClassifierTrainer.Stage(this, train, new CamValidation(evaluation, ImageSize, BatchSize));
    }
}
