using System.Text.Json.Serialization;
using PuzzleCam.Experiments;
using PuzzleCam.Models;

namespace PuzzleCam.Segmentation;

/// <summary>How a segmentation training run picks the model it keeps in <c>models/{tag}.pth</c>.</summary>
public enum CheckpointSelection
{
    /// <summary>
    /// The reference: after every epoch the mIoU on the ground truth of the validation split (<c>--eval_domain</c>), and
    /// the best epoch is kept. The kept model is then chosen on the split it is usually scored on.
    /// </summary>
    ValGt,

    /// <summary>
    /// Every 10th id of the training list (positions 0, 10, 20, ...) is held out of training, and the best epoch by
    /// mIoU against those images' pseudo labels is kept: no pixel ground truth is used.
    /// </summary>
    PseudoHoldout,

    /// <summary>No evaluation; the weights of the last epoch are kept.</summary>
    None,
}

/// <summary>
/// Stage 7: DeepLabv3+ trained on the pseudo labels (the reference's <c>train_segmentation.py</c>). Defaults are the
/// reference script's, except <see cref="DataDir"/>, which points at the project's synthetic dataset as the other
/// stages do.
/// </summary>
public sealed record SegmentationTrainingOptions
{
    /// <summary>Every id at a multiple of this position in the training list is held out by <see cref="CheckpointSelection.PseudoHoldout"/>.</summary>
    public const int HoldoutEvery = 10;

    /// <summary><c>--seed</c>: weights of the new layers and every augmentation draw.</summary>
    public int Seed { get; init; }

    /// <summary><c>--num_workers</c>: threads that decode and augment training images.</summary>
    public int NumWorkers { get; init; } = 4;

    /// <summary><c>--data_dir</c>: the VOC root.</summary>
    public string DataDir { get; init; } = Data.Synthetic.SyntheticVocDataset.DefaultRoot;

    /// <summary>Training split (the reference trains on train_aug).</summary>
    public string Domain { get; init; } = "train_aug";

    /// <summary>Split whose ground truth selects the model with <see cref="CheckpointSelection.ValGt"/> (the reference: val).</summary>
    public string EvalDomain { get; init; } = "val";

    /// <summary><c>--backbone</c>: resnet50, resnet101, resnest50/101/200/269, or the offline resnet18.</summary>
    public string Backbone { get; init; } = "resnest269";

    /// <summary><c>--mode</c>: the backbone's BatchNorm, fix (frozen statistics, the reference's default) or normal.</summary>
    public NormMode Mode { get; init; } = NormMode.Fix;

    /// <summary><c>--use_gn</c>: GroupNorm(4) in the ASPP and decoder; false: the backbone's BatchNorm there too.</summary>
    public bool UseGroupNorm { get; init; } = true;

    /// <summary><c>--batch_size</c>: the global batch, split over the devices.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>--max_epoch</c>.</summary>
    public int MaxEpoch { get; init; } = 50;

    /// <summary>Stops after this many iterations instead of <see cref="MaxEpoch"/> epochs (for short runs); the schedule still spans the epochs.</summary>
    public long? MaxIterations { get; init; }

    /// <summary><c>--lr</c>: learning rate of the backbone weights (x2 biases, x10 head weights, x20 head biases).</summary>
    public double LearningRate { get; init; } = 0.007;

    /// <summary><c>--wd</c>: weight decay; also the effective momentum unless <see cref="Momentum"/> is set, because the reference passes its weight decay into SGD's momentum argument.</summary>
    public double WeightDecay { get; init; } = 4e-5;

    /// <summary><c>--momentum</c>: the intended SGD momentum (e.g. 0.9). Null reproduces the reference.</summary>
    public double? Momentum { get; init; }

    /// <summary><c>--nesterov</c>.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary><c>--image_size</c>: the square training crop, and the top-left validation canvas.</summary>
    public int ImageSize { get; init; } = 512;

    /// <summary><c>--min_image_size</c>: smallest long side of the random resize.</summary>
    public int MinImageSize { get; init; } = 256;

    /// <summary><c>--max_image_size</c>: largest long side of the random resize.</summary>
    public int MaxImageSize { get; init; } = 1024;

    /// <summary><c>--print_ratio</c>: log every this fraction of an epoch.</summary>
    public double PrintRatio { get; init; } = 0.1;

    /// <summary><c>--tag</c>: the experiment's name (files under experiments/).</summary>
    public string Tag { get; init; } = "";

    /// <summary>
    /// <c>--label_name</c>: the folder of training labels under <c>predictions/</c>, e.g. the pseudo labels
    /// <c>AffinityNet@ResNeSt-101@Puzzle@train@beta=10@exp_times=8@rw@crf=1</c>. Ignored when <see cref="LabelDir"/> is set.
    /// </summary>
    public string LabelName { get; init; } = "";

    /// <summary><c>--label_dir</c>: a label folder given by path instead of by name, e.g. the dataset's SegmentationClass (ground truth).</summary>
    public string? LabelDir { get; init; }

    /// <summary>How the kept model is chosen (<c>--selection</c>).</summary>
    public CheckpointSelection Selection { get; init; } = CheckpointSelection.ValGt;

    /// <summary><c>--pretrained</c>: ImageNet weights of the backbone (torchvision or ResNeSt .pth); null: the backbone's built-in source, if any.</summary>
    public string? Pretrained { get; init; }

    /// <summary>
    /// <c>--backbone_from</c>: a stage-1 classifier checkpoint (<c>models/{tag}.pth</c>) of the same backbone whose
    /// backbone weights start DeepLabv3+'s, in place of the ImageNet ones; its classifier layer is left out. Null: the
    /// reference, which starts from ImageNet. ImageNet features already separate VOC's classes; on data whose classes
    /// ImageNet never saw, the classifier trained on the tags is the network that has learnt to tell them apart.
    /// </summary>
    public string? BackboneFrom { get; init; }

    /// <summary>These options with the backbone of <paramref name="classifier"/>'s trained model as the starting weights.</summary>
    public SegmentationTrainingOptions StartingFrom(Classification.ClassifierTrainingOptions classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return this with { Backbone = classifier.Architecture, Pretrained = null, BackboneFrom = classifier.Layout.Model(classifier.Tag) };
    }

    /// <summary><c>--gpus</c>: "0,1,2,3" trains data-parallel over those CUDA devices; "cpu" or unset without CUDA: the CPU.</summary>
    public string? Gpus { get; init; }

    /// <summary>Root of logs, models and predictions.</summary>
    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary>Evaluate (and maybe save) every this many iterations; null: once per epoch, as the reference.</summary>
    public long? EvalEvery { get; init; }

    /// <summary>The folders and files under <see cref="ExperimentsDir"/>.</summary>
    [JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The folder the training labels are read from: <see cref="LabelDir"/>, or <c>predictions/{LabelName}</c>.</summary>
    [JsonIgnore]
    public string LabelFolder => LabelDir ?? Layout.Predictions(LabelName);

    /// <summary>The flag that named the label folder, for messages.</summary>
    [JsonIgnore]
    public string LabelFlag => LabelDir is null ? "--label_name" : "--label_dir";

    /// <summary>The <c>--selection</c> word of <paramref name="selection"/>.</summary>
    public static string SelectionName(CheckpointSelection selection) => selection switch
    {
        CheckpointSelection.PseudoHoldout => "pseudo_holdout",
        CheckpointSelection.None => "none",
        _ => "val_gt",
    };

    /// <summary>Throws <see cref="BadInputException"/> naming the offending flag.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the experiment's files");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (LabelDir is null)
        {
            if (string.IsNullOrWhiteSpace(LabelName)) throw new BadInputException("--label_name is required (a folder of label PNGs under predictions/), or give --label_dir");
            if (LabelName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--label_name '{LabelName}' cannot be a folder name; give a path with --label_dir");
        }
        else if (string.IsNullOrWhiteSpace(LabelDir))
        {
            throw new BadInputException("--label_dir is empty");
        }
        if (!Backbones.Architectures.Any(a => a.Name == Backbone))
            throw new BadInputException($"--backbone: unknown backbone '{Backbone}'; expected one of {string.Join(", ", Backbones.Architectures.Select(a => a.Name))}");
        if (string.IsNullOrWhiteSpace(DataDir)) throw new BadInputException("--data_dir is empty");
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (MaxEpoch < 1) throw new BadInputException($"--max_epoch must be at least 1, got {MaxEpoch}");
        if (MaxIterations is < 1) throw new BadInputException($"--max_iterations must be at least 1, got {MaxIterations}");
        if (!(LearningRate > 0)) throw new BadInputException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new BadInputException($"--wd must be non-negative, got {WeightDecay}");
        if (Momentum is { } m && !(m >= 0 && m < 1)) throw new BadInputException($"--momentum must be in [0, 1), got {m}");
        if (EvalEvery is < 1) throw new BadInputException($"--eval_every must be at least 1, got {EvalEvery}");
        if (ImageSize < 16 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a positive multiple of 16, got {ImageSize}");
        if (MinImageSize < 1 || MaxImageSize < MinImageSize) throw new BadInputException($"--min_image_size {MinImageSize} and --max_image_size {MaxImageSize} must satisfy 1 <= min <= max");
        if (!(PrintRatio > 0 && PrintRatio <= 1)) throw new BadInputException($"--print_ratio must be in (0, 1], got {PrintRatio}");
        if (NumWorkers < 0) throw new BadInputException($"--num_workers must be non-negative, got {NumWorkers}");
        if (Pretrained is not null && !File.Exists(Pretrained)) throw new FileNotFoundException($"{Pretrained}: pretrained weights not found (--pretrained)", Pretrained);
        if (BackboneFrom is not null && Pretrained is not null) throw new BadInputException("--pretrained and --backbone_from both give the backbone's starting weights; pass one");
        if (BackboneFrom is not null && !File.Exists(BackboneFrom)) throw new FileNotFoundException($"{BackboneFrom}: classifier checkpoint not found (--backbone_from)", BackboneFrom);
    }
}
