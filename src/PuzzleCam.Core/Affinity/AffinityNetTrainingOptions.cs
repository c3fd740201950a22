using PuzzleCam.Data.Synthetic;
using PuzzleCam.Experiments;
using PuzzleCam.Models;

namespace PuzzleCam.Affinity;

/// <summary>
/// Stage 4 (<c>train_affinitynet.py</c>): AffinityNet's edge layers trained on the affinity labels of stage 3, over a
/// frozen ImageNet backbone. Defaults are the reference script's; the README sets the architecture, tag and label folder.
/// </summary>
public sealed record AffinityNetTrainingOptions
{
    /// <summary>The path radius of training: every pixel pair within 10 cells of the 128x128 label map.</summary>
    public const int Radius = 10;

    public int Seed { get; init; }

    /// <summary><c>--num_workers</c>: threads decoding and augmenting training images.</summary>
    public int NumWorkers { get; init; } = 4;

    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    /// <summary><c>--domain</c>: the training split; the reference trains on train_aug, whose labels stage 3 must have made.</summary>
    public string Domain { get; init; } = "train_aug";

    /// <summary><c>--architecture</c>: the backbone (ImageNet weights from <see cref="Pretrained"/> or its own).</summary>
    public string Architecture { get; init; } = "resnet50";

    public int BatchSize { get; init; } = 32;

    public int MaxEpoch { get; init; } = 3;

    /// <summary><c>--max_iterations</c>: stop early (the schedule still spans <see cref="MaxEpoch"/>).</summary>
    public long? MaxIterations { get; init; }

    public double LearningRate { get; init; } = 0.1;

    /// <summary><c>--wd</c>: weight decay, also the effective momentum unless <see cref="Momentum"/> is set, as in the reference.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary><c>--momentum</c>: SGD momentum as intended; null reproduces the reference.</summary>
    public double? Momentum { get; init; }

    public bool Nesterov { get; init; } = true;

    /// <summary><c>--image_size</c>: square crop; the label map is a quarter of it.</summary>
    public int ImageSize { get; init; } = 512;

    public int MinImageSize { get; init; } = 320;

    public int MaxImageSize { get; init; } = 640;

    public double PrintRatio { get; init; } = 0.1;

    /// <summary><c>--tag</c>: the model's name, <c>models/{tag}.pth</c>.</summary>
    public string Tag { get; init; } = "";

    /// <summary><c>--label_name</c>: the affinity-label folder under predictions/ (stage 3's output).</summary>
    public string LabelName { get; init; } = "";

    /// <summary><c>--pred_dir</c>: where <see cref="LabelName"/> is; null: the experiments' predictions folder.</summary>
    public string? PredDir { get; init; }

    /// <summary><c>--pretrained</c>: ImageNet weights of the backbone (the offline resnet18 brings its own).</summary>
    public string? Pretrained { get; init; }

    /// <summary><c>--gpus</c>: the devices, data-parallel as stage 1 (the reference's README trains this stage on one GPU).</summary>
    public string? Gpus { get; init; }

    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The label folder read.</summary>
    public string LabelDir => PredDir is { } root ? Path.Combine(root, LabelName) : Layout.Predictions(LabelName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the model file");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (string.IsNullOrWhiteSpace(LabelName)) throw new BadInputException("--label_name is required: the affinity-label folder of make-affinity-labels");
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (MaxEpoch < 1) throw new BadInputException($"--max_epoch must be at least 1, got {MaxEpoch}");
        if (MaxIterations is < 1) throw new BadInputException($"--max_iterations must be at least 1, got {MaxIterations}");
        if (!(LearningRate > 0)) throw new BadInputException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new BadInputException($"--wd must be non-negative, got {WeightDecay}");
        if (Momentum is { } m && !(m >= 0 && m < 1)) throw new BadInputException($"--momentum must be in [0, 1), got {m}");
        if (ImageSize < 4 * Radius * 2 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a multiple of 16 of at least {8 * Radius}, got {ImageSize}");
        if (MinImageSize < 1 || MaxImageSize < MinImageSize) throw new BadInputException($"--min_image_size {MinImageSize} and --max_image_size {MaxImageSize} must satisfy 1 <= min <= max");
        if (!(PrintRatio > 0 && PrintRatio <= 1)) throw new BadInputException($"--print_ratio must be in (0, 1], got {PrintRatio}");
        if (NumWorkers < 0) throw new BadInputException($"--num_workers must be non-negative, got {NumWorkers}");
        var arch = Backbones.Find(Architecture);
        if (Pretrained is null && !arch.BringsOwnWeights)
            throw new BadInputException($"--pretrained is required for --architecture {Architecture}: AffinityNet trains over a frozen ImageNet backbone");
        if (Pretrained is not null && !File.Exists(Pretrained)) throw new FileNotFoundException($"{Pretrained}: pretrained weights not found (--pretrained)", Pretrained);
    }
}
