using PuzzleCam.Affinity;
using PuzzleCam.Classification;
using PuzzleCam.Evaluation;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The options of every stage of one main job, chained as <see cref="Reproduction"/> runs them: each stage reads the
/// folder or model the one before writes. <c>puzzlecam reproduce</c> runs this plan, and the notebooks read it, so a
/// notebook finds what the main job made under the same tags and folders instead of making it again.
/// </summary>
/// <param name="Baseline">Stage 1 without the puzzle module (the baseline's tag ends in <c>-baseline</c>).</param>
/// <param name="Puzzle">Stage 1 with it (<c>-puzzle</c>).</param>
/// <param name="BaselineCams">Stage 2 of the baseline on the evaluation split, where it is only scored.</param>
/// <param name="Cams">Stage 2 of Puzzle-CAM on the split refined into pseudo labels.</param>
/// <param name="ValCams">Stage 2 of Puzzle-CAM on the validation split, to compare with DeepLabv3+.</param>
/// <param name="AffinityLabels">Stage 3 on <paramref name="Cams"/>.</param>
/// <param name="AffinityNet">Stage 4 on <paramref name="AffinityLabels"/>.</param>
/// <param name="RandomWalk">Stage 5: <paramref name="Cams"/> walked over <paramref name="AffinityNet"/>'s edges.</param>
/// <param name="PseudoLabels">
/// Stage 6 on <paramref name="RandomWalk"/>, at the job's threshold; a job that cuts at the walk's best threshold
/// (<see cref="ReproduceOptions.PseudoLabelsAtWalkThreshold"/>) takes <see cref="AtWalkThreshold"/> once the walk is scored.
/// </param>
/// <param name="Segmentation">Stage 7 on <paramref name="PseudoLabels"/>.</param>
/// <param name="Segment">Stage 8 of <paramref name="Segmentation"/>'s model on the validation split, without the CRF.</param>
/// <param name="SegmentWithCrf">The same with the job's CRF iterations.</param>
public sealed record PipelinePlan(
    ClassifierTrainingOptions Baseline,
    ClassifierTrainingOptions Puzzle,
    CamInferenceOptions BaselineCams,
    CamInferenceOptions Cams,
    CamInferenceOptions ValCams,
    AffinityLabelStageOptions AffinityLabels,
    AffinityNetTrainingOptions AffinityNet,
    RandomWalkStageOptions RandomWalk,
    PseudoLabelStageOptions PseudoLabels,
    SegmentationTrainingOptions Segmentation,
    SegmentationInferenceOptions Segment,
    SegmentationInferenceOptions SegmentWithCrf)
{
    /// <summary>
    /// The plan of <paramref name="options"/>. Once the dataset exists, a split smaller than a preset's batch (a quick
    /// check on a handful of images) has the batches of stages 4 and 7 cut to it, one batch an epoch.
    /// </summary>
    public static PipelinePlan For(ReproduceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var classifier = options.Classifier with { DataDir = options.DataDir };
        var baseline = classifier with { Puzzle = false, Tag = options.TagPrefix + "-baseline" };
        var puzzle = classifier with { Puzzle = true, Tag = options.TagPrefix + "-puzzle" };
        var cams = CamsOf(options, puzzle, options.CamDomain);
        var labels = new AffinityLabelStageOptions
        {
            CamName = cams.ExperimentName, Domain = options.CamDomain, DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir,
            Thresholds = options.AffinityThresholds,
        };
        var affinity = options.AffinityNet with
        {
            Architecture = puzzle.Architecture, Tag = options.TagPrefix + "-affinitynet", LabelName = labels.OutputName, Domain = options.CamDomain,
            DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir, Seed = puzzle.Seed, Gpus = puzzle.Gpus,
            Pretrained = options.AffinityNet.Pretrained ?? puzzle.Pretrained,
        };
        var walk = new RandomWalkStageOptions
        {
            Architecture = affinity.Architecture, ModelName = affinity.Tag, CamDir = cams.ExperimentName, Domain = options.CamDomain,
            DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir, Walk = options.Walk, Gpus = puzzle.Gpus,
        };
        var pseudo = new PseudoLabelStageOptions
        {
            RandomWalkName = walk.ExperimentName, Domain = options.CamDomain, DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir,
            Rule = options.PseudoLabels,
        };
        var segmentation = options.Segmentation with
        {
            Tag = ReproduceOptions.SegmentationTag(options.TagPrefix, options.SegmentationBackboneFromClassifier),
            LabelName = pseudo.OutputName, Domain = options.CamDomain, EvalDomain = options.ValDomain,
            DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir, Seed = puzzle.Seed, Gpus = puzzle.Gpus,
            Pretrained = options.Segmentation.Pretrained ?? puzzle.Pretrained,
        };
        if (options.SegmentationBackboneFromClassifier) segmentation = segmentation.StartingFrom(puzzle);
        var list = ImageListSource.FromDomain(options.CamDomain).PathUnder(options.DataDir);
        if (File.Exists(list))
        {
            int images = ImageList.Read(list).Count;
            if (affinity.BatchSize > images) affinity = affinity with { BatchSize = images };
            if (segmentation.BatchSize > images) segmentation = segmentation with { BatchSize = images };
        }
        var segment = new SegmentationInferenceOptions
        {
            DataDir = options.DataDir, Backbone = segmentation.Backbone, Mode = segmentation.Mode, UseGroupNorm = segmentation.UseGroupNorm,
            Tag = segmentation.Tag, Domain = options.ValDomain, Scales = options.SegmentationScales, ExperimentsDir = segmentation.ExperimentsDir,
            Gpus = segmentation.Gpus, CrfIterations = 0,
        };
        return new PipelinePlan(baseline, puzzle, CamsOf(options, baseline, options.EvalDomain), cams, CamsOf(options, puzzle, options.ValDomain),
            labels, affinity, walk, pseudo, segmentation, segment, segment with { CrfIterations = options.SegmentationCrfIterations });
    }

    /// <summary>
    /// This plan with stage 6 cut at the best threshold of <paramref name="walk"/>, the random walk's score; the plan
    /// itself where the score found none.
    /// </summary>
    public PipelinePlan AtWalkThreshold(EvaluationReport walk) => walk.Threshold is { } best
        ? this with { PseudoLabels = PseudoLabels with { Rule = PseudoLabels.Rule with { Threshold = best } } }
        : this;

    /// <summary>Stage 2 of <paramref name="classifier"/> on <paramref name="domain"/> at the job's scales.</summary>
    public static CamInferenceOptions CamsOf(ReproduceOptions options, ClassifierTrainingOptions classifier, string domain) => new()
    {
        DataDir = options.DataDir, Architecture = classifier.Architecture, Mode = classifier.Mode, Tag = classifier.Tag, Domain = domain,
        Scales = options.Scales, ExperimentsDir = classifier.ExperimentsDir, Gpus = classifier.Gpus,
    };
}
