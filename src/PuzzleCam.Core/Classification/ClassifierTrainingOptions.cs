using PuzzleCam.Experiments;
using PuzzleCam.Models;

namespace PuzzleCam.Classification;

/// <summary>
/// Stage 1: the classifier trained on image-level tags, with the puzzle module (<c>train_classification_with_puzzle.py</c>)
/// or without it (the baseline <c>train_classification.py</c>). Defaults are the reference script's.
/// </summary>
public sealed record ClassifierTrainingOptions
{
    /// <summary><c>--seed</c>: weights of the new layers and every augmentation draw.</summary>
    public int Seed { get; init; }

    /// <summary><c>--num_workers</c>: threads that decode and augment training images.</summary>
    public int NumWorkers { get; init; } = 4;

    /// <summary><c>--data_dir</c>: the VOC root.</summary>
    public string DataDir { get; init; } = Data.Synthetic.SyntheticVocDataset.DefaultRoot;

    /// <summary>Training split (the reference trains on train_aug).</summary>
    public string Domain { get; init; } = "train_aug";

    /// <summary>Split with masks whose CAM mIoU selects the checkpoint (the reference uses train: the checkpoint is selected on pixel ground truth, though training sees only tags).</summary>
    public string EvalDomain { get; init; } = "train";

    /// <summary><c>--architecture</c>: resnet50, resnet101, resnest50/101/200/269.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary><c>--mode</c>: normal (BatchNorm with batch statistics) or fix (frozen statistics).</summary>
    public NormMode Mode { get; init; } = NormMode.Normal;

    /// <summary><c>--batch_size</c>: the global batch, split over the devices.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>--max_epoch</c>.</summary>
    public int MaxEpoch { get; init; } = 15;

    /// <summary>Stops after this many iterations instead of <c>MaxEpoch</c> epochs (for short runs); the schedules still span the epochs.</summary>
    public long? MaxIterations { get; init; }

    /// <summary><c>--lr</c>: learning rate of the backbone weights (x2 biases, x10 head weights).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary><c>--wd</c>: weight decay; also the effective momentum unless <see cref="Momentum"/> is set, because the reference passes its weight decay into SGD's momentum argument.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary><c>--momentum</c>: the intended SGD momentum (e.g. 0.9). Null reproduces the reference.</summary>
    public double? Momentum { get; init; }

    /// <summary><c>--nesterov</c>.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary><c>--image_size</c>: the square crop.</summary>
    public int ImageSize { get; init; } = 512;

    /// <summary><c>--min_image_size</c>: smallest long side of the random resize.</summary>
    public int MinImageSize { get; init; } = 320;

    /// <summary><c>--max_image_size</c>: largest long side of the random resize.</summary>
    public int MaxImageSize { get; init; } = 640;

    /// <summary>
    /// <c>--augment</c>: "colorjitter", "randaugment" or both joined (e.g. "colorjitter_randaugment") add those colour
    /// augmentations after the flip; "" (the default) adds none. See <see cref="Data.Transforms.AugmentationOptions.Augment"/>.
    /// </summary>
    public string Augment { get; init; } = "";

    /// <summary><c>--print_ratio</c>: log every this fraction of an epoch.</summary>
    public double PrintRatio { get; init; } = 0.1;

    /// <summary><c>--tag</c>: the experiment's name (files under experiments/).</summary>
    public string Tag { get; init; } = "";

    /// <summary>Train with the puzzle module (false: the baseline classifier).</summary>
    public bool Puzzle { get; init; } = true;

    /// <summary><c>--num_pieces</c>: tiles per image, a perfect square.</summary>
    public int NumPieces { get; init; } = 4;

    /// <summary>The loss terms (<c>--loss_option</c>, <c>--level</c>, <c>--re_loss</c>, <c>--re_loss_option</c>, <c>--alpha</c>, <c>--alpha_schedule</c>).</summary>
    public PuzzleLossOptions Losses { get; init; } = new();

    /// <summary>ImageNet weights of the backbone (torchvision or ResNeSt .pth); null: the architecture's built-in source, if any.</summary>
    public string? Pretrained { get; init; }

    /// <summary><c>--gpus</c>: "0,1,2,3" trains data-parallel over those CUDA devices; "cpu" or unset without CUDA: the CPU.</summary>
    public string? Gpus { get; init; }

    /// <summary>Root of logs, models and predictions.</summary>
    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary>The folders and files under <see cref="ExperimentsDir"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>Evaluate (and maybe save) every this many iterations; null: once per epoch, as the reference.</summary>
    public long? EvalEvery { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the experiment's files");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (MaxEpoch < 1) throw new BadInputException($"--max_epoch must be at least 1, got {MaxEpoch}");
        if (MaxIterations is < 1) throw new BadInputException($"--max_iterations must be at least 1, got {MaxIterations}");
        if (!(LearningRate > 0)) throw new BadInputException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new BadInputException($"--wd must be non-negative, got {WeightDecay}");
        if (Momentum is { } m && !(m >= 0 && m < 1)) throw new BadInputException($"--momentum must be in [0, 1), got {m}");
        if (EvalEvery is < 1) throw new BadInputException($"--eval_every must be at least 1, got {EvalEvery}");
        if (ImageSize < 16 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a positive multiple of 16, got {ImageSize}");
        if (MinImageSize < 1 || MaxImageSize < MinImageSize) throw new BadInputException($"--min_image_size {MinImageSize} and --max_image_size {MaxImageSize} must satisfy 1 <= min <= max");
        Data.Transforms.AugmentationOptions.ParseAugment(Augment);
        if (!(PrintRatio > 0 && PrintRatio <= 1)) throw new BadInputException($"--print_ratio must be in (0, 1], got {PrintRatio}");
        int k = (int)Math.Round(Math.Sqrt(NumPieces));
        if (NumPieces < 1 || k * k != NumPieces) throw new BadInputException($"--num_pieces must be a perfect square, got {NumPieces}");
        if (Puzzle && (ImageSize / 16) % k != 0) throw new BadInputException($"--image_size {ImageSize} gives a {ImageSize / 16}-cell feature map that {k}x{k} tiles do not divide");
        if (NumWorkers < 0) throw new BadInputException($"--num_workers must be non-negative, got {NumWorkers}");
        if (Pretrained is not null && !File.Exists(Pretrained)) throw new FileNotFoundException($"{Pretrained}: pretrained weights not found (--pretrained)", Pretrained);
    }
}
