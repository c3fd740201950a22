namespace PuzzleCam.Affinity;

/// <summary>
/// Stage 4 (<c>train_affinitynet.py</c>): AffinityNet's edge layers trained on the affinity labels of stage 3, over a
/// frozen ImageNet backbone. Defaults are the reference script's; the README sets the architecture, tag and label folder.
/// </summary>
public sealed record AffinityNetTrainingOptions() : TrainingOptions(maxEpoch: 3, learningRate: 0.1, weightDecay: 1e-4, minImageSize: 320, maxImageSize: 640)
{
    /// <summary>The path radius of training: every pixel pair within 10 cells of the 128x128 label map.</summary>
    public const int Radius = 10;

    /// <summary><c>--architecture</c>: the backbone (ImageNet weights from <see cref="TrainingOptions.Pretrained"/> or its own).</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary><c>--label_name</c>: the affinity-label folder under predictions/ (stage 3's output).</summary>
    public string LabelName { get; init; } = "";

    /// <summary><c>--pred_dir</c>: where <see cref="LabelName"/> is; null: the experiments' predictions folder.</summary>
    public string? PredDir { get; init; }

    /// <summary>The label folder read.</summary>
    public string LabelDir => PredDir is { } root ? Path.Combine(root, LabelName) : Layout.Predictions(LabelName);

    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(LabelName)) throw new BadInputException("--label_name is required: the affinity-label folder of make-affinity-labels");
        if (ImageSize < 4 * Radius * 2 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a multiple of 16 of at least {8 * Radius}, got {ImageSize}");
        var arch = Backbones.Find(Architecture);
        if (Pretrained is null && !arch.BringsOwnWeights)
            throw new BadInputException($"--pretrained is required for --architecture {Architecture}: AffinityNet trains over a frozen ImageNet backbone");
    }

    protected override TrainingOptions WithPortablePaths() => this with { PredDir = PredDir is null ? null : Layout.Portable(PredDir) };

    /// <inheritdoc/>
    public override TrainingStage OpenStage(CancellationToken cancel)
    {
        var train = OpenTrainingSplit();
        StageInputs.RequireFolder(LabelDir, "--label_name", AffinityLabelRunner.StageName, train.Ids, ".png");
        train.CheckReadable(cancel);
        return new AffinityNetTrainer.Stage(this, train);
    }
}
