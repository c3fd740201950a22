using PuzzleCam.Data.Synthetic;

namespace PuzzleCam.Pipeline;

/// <summary>
/// What the steps of one run of <see cref="Reproduction"/> share: the job, its plan, where it reports, and what the
/// steps before have made, which becomes the run's <see cref="ReproduceResult"/>.
/// </summary>
public sealed class PipelineRun
{
    private readonly Dictionary<string, ClassifierRun> _classifiers = [];
    private PipelinePlan? _plan;

    internal PipelineRun(ReproduceOptions options, IPipelineReporter reporter, CancellationToken cancel)
    {
        Options = options;
        Reporter = reporter;
        Cancel = cancel;
    }

    /// <summary>The job.</summary>
    public ReproduceOptions Options { get; }

    /// <summary>Where the steps report.</summary>
    public IPipelineReporter Reporter { get; }

    /// <summary>Stops the step that is running.</summary>
    public CancellationToken Cancel { get; }

    /// <summary>
    /// The options of every stage. It is made when a step first asks, after the data step, because the dataset it
    /// made cuts the batches of stages 4 and 7 (<see cref="PipelinePlan.For"/>); stage 6 replaces it with the plan at
    /// the walk's best threshold.
    /// </summary>
    public PipelinePlan Plan
    {
        get => _plan ??= PipelinePlan.For(Options);
        internal set => _plan = value;
    }

    /// <summary>Whether the job runs <paramref name="stage"/>: the one place the driver asks.</summary>
    public bool Runs(PipelineStages stage) => Options.Stages.HasFlag(stage);

    /// <summary>The synthetic dataset, when the data step made it.</summary>
    public SyntheticSummary? Dataset { get; internal set; }

    /// <summary>The data step's read-through of the classifiers' training split.</summary>
    public VocScanReport? Train { get; internal set; }

    /// <summary>The data step's read-through of the evaluation split.</summary>
    public VocScanReport? Eval { get; internal set; }

    /// <summary>What the steps of the classifier named <paramref name="name"/> made, or null where none of them ran.</summary>
    public ClassifierRun? Classifier(string name) => _classifiers.GetValueOrDefault(name);

    /// <summary>Stages 3-6, or null where none of them ran.</summary>
    public RefinementRun? Refinement { get; internal set; }

    /// <summary>The validation split's CAMs and stages 7 and 8, or null where none of them ran.</summary>
    public SegmentationRun? Segmentation { get; internal set; }

    /// <summary>Records what a step of the classifier named <paramref name="name"/> made.</summary>
    internal void Record(string name, Func<ClassifierRun, ClassifierRun> made) =>
        _classifiers[name] = made(Classifier(name) ?? new ClassifierRun(name, null, null, null));

    /// <summary>What the run made, stage by stage.</summary>
    public ReproduceResult Result() => new(Dataset, Train, Eval, Classifier(Reproduction.Baseline), Classifier(Reproduction.PuzzleCam), Refinement, Segmentation);
}
