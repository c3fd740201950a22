using PuzzleCam.Affinity;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Pipeline;

/// <summary>
/// Options of the whole-pipeline driver. Defaults are the synthetic preset (<see cref="ForSynthetic"/>): a fresh
/// machine, no download, a CPU. <see cref="ForVoc"/> is the reference README's settings on PASCAL VOC 2012.
/// </summary>
public sealed partial record ReproduceOptions
{
    /// <summary>The stages to run: the steps of <see cref="Reproduction.Steps"/> whose switch is in this set.</summary>
    public PipelineStages Stages { get; init; } = PipelineStages.Default;

    /// <summary>Tag prefix of every network the driver trains (<c>{prefix}-baseline</c>, <c>-puzzle</c>, <c>-affinitynet</c>, <c>-deeplab</c> or <c>-deeplab-from-puzzle</c>).</summary>
    public string TagPrefix { get; init; } = "synthetic";

    /// <summary>The dataset root. With <see cref="Synthetic"/> set it is generated there when missing.</summary>
    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    /// <summary>The synthetic dataset to generate, or null to use an existing VOC root as it is.</summary>
    public SyntheticOptions? Synthetic { get; init; } = new();

    /// <summary>Skip unreadable images with a report instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }

    /// <summary>
    /// Split whose CAMs are inferred and refined into pseudo masks, and on whose pseudo masks DeepLabv3+ trains:
    /// train_aug, as in the reference's README.
    /// </summary>
    public string CamDomain { get; init; } = "train_aug";

    /// <summary>
    /// Stage 1 for both classifiers (the baseline takes these without the puzzle terms). The synthetic preset trains
    /// the offline ImageNet ResNet-18 on 128-px crops of the 128-px images resized to 96-160 px, for 4 epochs with lr 0.01
    /// (the reference's 0.1 diverges with this backbone's larger activations), alpha 4 as in the paper's best setting.
    /// </summary>
    public ClassifierTrainingOptions Classifier { get; init; } = SyntheticClassifier;

    /// <summary>
    /// Stage 2: the scales of the multi-scale CAMs (each with its flip). The synthetic preset's classifiers are trained
    /// at 0.75-1.25 times the image size, and at scale 0.5 a 128-px image gives a 4x4 CAM, so it takes 1 and 1.5: on
    /// seed 0 they scored 38.03 on train against 37.24 with 1, 1.5 and 2, in half the time.
    /// </summary>
    public IReadOnlyList<double> Scales { get; init; } = SyntheticScales;

    /// <summary>Stage 3's thresholds (the README's 0.40 and 0.10).</summary>
    public AffinityLabelOptions AffinityThresholds { get; init; } = AffinityLabelOptions.Readme;

    /// <summary>
    /// Stage 4 (its tag, labels, data and backbone are set by the driver). The synthetic preset trains on 128-px crops
    /// of images resized to 96-160 px, batch 8, 2 epochs of train_aug, with the reference's lr 0.1.
    /// </summary>
    public AffinityNetTrainingOptions AffinityNet { get; init; } = SyntheticAffinityNet;

    /// <summary>
    /// Stage 5: β, exp_times, the propagation and the edge canvas. The synthetic preset keeps the reference's β 10 and
    /// exp_times 8 but pads its 128-px images to 128 px rather than 512 for AffinityNet's edge map, a sixteenth of the
    /// reference's forward.
    /// </summary>
    public RandomWalkOptions Walk { get; init; } = SyntheticWalk;

    /// <summary>Stage 6: the README's threshold 0.35 and one CRF iteration.</summary>
    public PseudoLabelOptions PseudoLabels { get; init; } = PseudoLabelOptions.Readme;

    /// <summary>
    /// Cut the pseudo labels at the best threshold of the random walk's sweep instead of <see cref="PseudoLabels"/>'
    /// threshold, so that the CRF row compares with the random-walk row at the same threshold. The reference's 0.35 was
    /// chosen the same way on VOC (the sweep's best), so the VOC preset keeps it; the synthetic data's best differs.
    /// </summary>
    public bool PseudoLabelsAtWalkThreshold { get; init; } = true;

    /// <summary>
    /// Stage 7 (its tag, labels, data and seed are set by the driver; it trains on <see cref="CamDomain"/>'s pseudo
    /// labels and keeps the epoch with the best mIoU on <see cref="ValDomain"/>, as the reference does).
    /// </summary>
    public SegmentationTrainingOptions Segmentation { get; init; } = SyntheticSegmentation;

    /// <summary>
    /// Start DeepLabv3+'s backbone from the trained Puzzle-CAM classifier's (same architecture) instead of ImageNet's.
    /// The reference starts from ImageNet, whose features already separate VOC's classes, and the VOC preset keeps it.
    /// The synthetic classes are told apart by badges and body looks that ImageNet never saw, while the classifier
    /// trained on the tags has already learnt them; no mask enters either way. The DeepLabv3+ tag says which:
    /// <c>{prefix}-deeplab-from-puzzle</c>, or <c>{prefix}-deeplab</c> from ImageNet.
    /// </summary>
    public bool SegmentationBackboneFromClassifier { get; init; } = true;

    /// <summary>Stage 8's scales, each with its flip (the reference's README: 0.5, 1, 1.5, 2).</summary>
    public IReadOnlyList<double> SegmentationScales { get; init; } = SyntheticSegmentationScales;

    /// <summary>Stage 8's CRF iterations for the row with the CRF (the reference's README: 10).</summary>
    public int SegmentationCrfIterations { get; init; } = 10;

    /// <summary>How many validation images (the first of the list) the results figure shows.</summary>
    public int ResultsFigureImages { get; init; } = 6;

    /// <summary>Split with masks on which CAMs, random walks and pseudo labels are scored (the reference: train).</summary>
    public string EvalDomain { get; init; } = "train";

    /// <summary>Split with masks on which the Puzzle-CAM CAMs and DeepLabv3+ are compared (the reference scores DeepLabv3+ on val).</summary>
    public string ValDomain { get; init; } = "val";

    /// <summary>Throws <see cref="BadInputException"/> naming the flag when the options cannot run; the classifier's own options are checked by stage 1.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir)) throw new BadInputException("--data_dir is empty");
        if (Synthetic is null && Classifier.Pretrained is null && !Models.Backbones.Find(Classifier.Architecture).BringsOwnWeights)
            throw new BadInputException($"--pretrained is required with --preset voc: the {Classifier.Architecture} classifiers start from ImageNet weights (the torchvision or ResNeSt .pth file), which cannot be downloaded at run time");
        if (Scales.Count == 0) throw new BadInputException("--scales is empty");
    }

    /// <summary>
    /// The <see cref="TagPrefix"/> of the main job of <paramref name="seed"/>: <c>{run}-seed{seed}</c>, e.g.
    /// synthetic-resnet18-seed0, so that seeds do not mix and the loss ablation finds the classifiers of the main job.
    /// </summary>
    public static string SeedTagPrefix(string run, int seed) => FormattableString.Invariant($"{run}-seed{seed}");

    /// <summary>The DeepLabv3+ tag under <paramref name="tagPrefix"/>: it says where the backbone started.</summary>
    public static string SegmentationTag(string tagPrefix, bool backboneFromClassifier) =>
        tagPrefix + (backboneFromClassifier ? "-deeplab-from-puzzle" : "-deeplab");
}
