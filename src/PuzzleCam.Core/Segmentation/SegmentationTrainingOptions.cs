using System.Text.Json.Serialization;

namespace PuzzleCam.Segmentation;

/// <summary>
/// Stage 7: DeepLabv3+ trained on the pseudo labels (the reference's <c>train_segmentation.py</c>). Defaults are the
/// reference script's, except <see cref="TrainingOptions.DataDir"/>, which points at the project's synthetic dataset as the other
/// stages do.
/// </summary>
public sealed record SegmentationTrainingOptions() : TrainingOptions(maxEpoch: 50, learningRate: 0.007, weightDecay: 4e-5, minImageSize: 256, maxImageSize: 1024)
{
    /// <summary>Every id at a multiple of this position in the training list is held out by <see cref="CheckpointSelection.PseudoHoldout"/>.</summary>
    public const int HoldoutEvery = 10;

    /// <summary>Split whose ground truth selects the model with <see cref="CheckpointSelection.ValGt"/> (the reference: val).</summary>
    public string EvalDomain { get; init; } = "val";

    /// <summary><c>--backbone</c>: resnet50, resnet101, resnest50/101/200/269, or the offline resnet18.</summary>
    public string Backbone { get; init; } = "resnest269";

    /// <summary><c>--mode</c>: the backbone's BatchNorm, fix (frozen statistics, the reference's default) or normal.</summary>
    public NormMode Mode { get; init; } = NormMode.Fix;

    /// <summary><c>--use_gn</c>: GroupNorm(4) in the ASPP and decoder; false: the backbone's BatchNorm there too.</summary>
    public bool UseGroupNorm { get; init; } = true;

    /// <summary>
    /// <c>--label_name</c>: the folder of training labels under <c>predictions/</c>, e.g. the pseudo labels
    /// <c>AffinityNet@ResNeSt-101@Puzzle@train@beta=10@exp_times=8@rw@crf=1</c>. Ignored when <see cref="LabelDir"/> is set.
    /// </summary>
    public string LabelName { get; init; } = "";

    /// <summary><c>--label_dir</c>: a label folder given by path instead of by name, e.g. the dataset's SegmentationClass (ground truth).</summary>
    public string? LabelDir { get; init; }

    /// <summary>How the kept model is chosen (<c>--selection</c>).</summary>
    public CheckpointSelection Selection { get; init; } = CheckpointSelection.ValGt;

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

    /// <summary>Evaluate (and maybe save) every this many iterations; null: once per epoch, as the reference.</summary>
    public long? EvalEvery { get; init; }

    /// <summary>The folder the training labels are read from: <see cref="LabelDir"/>, or <c>predictions/{LabelName}</c>.</summary>
    [JsonIgnore]
    public string LabelFolder => LabelDir ?? Layout.Predictions(LabelName);

    /// <summary>The flag that named the label folder, for messages.</summary>
    [JsonIgnore]
    public string LabelFlag => LabelDir is null ? "--label_name" : "--label_dir";

    public override void Validate()
    {
        base.Validate();
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
        if (EvalEvery is < 1) throw new BadInputException($"--eval_every must be at least 1, got {EvalEvery}");
        if (ImageSize < 16 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a positive multiple of 16, got {ImageSize}");
        if (BackboneFrom is not null && Pretrained is not null) throw new BadInputException("--pretrained and --backbone_from both give the backbone's starting weights; pass one");
        if (BackboneFrom is not null && !File.Exists(BackboneFrom)) throw new FileNotFoundException($"{BackboneFrom}: classifier checkpoint not found (--backbone_from)", BackboneFrom);
    }

    protected override TrainingOptions WithPortablePaths() => this with
    {
        BackboneFrom = BackboneFrom is null ? null : Layout.Portable(BackboneFrom), LabelDir = LabelDir is null ? null : Layout.Portable(LabelDir),
    };

    /// <inheritdoc/>
    public override TrainingStage OpenStage(CancellationToken cancel)
    {
        var all = OpenTrainingSplit();
        var labels = new LabelFolder(LabelFolder, LabelFlag);
        var (train, validation, scoredOn) = SegmentationValidation.Split(this, all, labels);
        all.CheckReadable(cancel);
        labels.Check(all, cancel);
        validation?.Dataset.CheckReadable(cancel);
        if (Selection == CheckpointSelection.ValGt)
            new LabelFolder(Path.Combine(validation!.Dataset.Root, "SegmentationClass"), $"ground truth of --eval_domain {EvalDomain}").Check(validation.Dataset, cancel);
        return new SegmentationTrainer.Stage(this, train, labels, validation, scoredOn);
    }
}
