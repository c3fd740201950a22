using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Experiments;
using PuzzleCam.Pipeline;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Interactive;

/// <summary>
/// What the notebooks share: the main job of <c>puzzlecam reproduce</c> (its synthetic dataset, its experiments folder,
/// its tags and the options of every stage, read from <see cref="PipelinePlan"/>), so that after the README's first
/// command a notebook finds every model and folder it shows already made, and a notebook run before it makes what it is
/// missing exactly as the job would. Small settings (the tests) use a dataset and experiments folder of their own and
/// shrink every stage to seconds.
/// </summary>
public sealed record NotebookSetup
{
    /// <summary>The dataset folder (default: the main job's, <c>datasets/synthetic</c> in the repository).</summary>
    public const string DataVariable = "PUZZLECAM_NOTEBOOK_DATA";

    /// <summary>"1": small settings, a smoke test of every cell in seconds.</summary>
    public const string SmallVariable = "PUZZLECAM_NOTEBOOK_SMALL";

    /// <summary>
    /// Models, logs and predictions (default: the main job's <c>experiments</c> in the repository; with
    /// <see cref="DataVariable"/> set, the dataset folder's name with <c>-experiments</c>, beside it).
    /// </summary>
    public const string ExperimentsVariable = "PUZZLECAM_NOTEBOOK_EXPERIMENTS";

    public required string DataDir { get; init; }

    public required string ExperimentsDir { get; init; }

    public bool Small { get; init; }

    /// <summary>The settings the environment variables ask for (<see cref="DataVariable"/>, <see cref="SmallVariable"/>, <see cref="ExperimentsVariable"/>).</summary>
    public static NotebookSetup FromEnvironment()
    {
        var root = RepositoryRoot() ?? Directory.GetCurrentDirectory();
        var small = Environment.GetEnvironmentVariable(SmallVariable) == "1";
        var givenData = Environment.GetEnvironmentVariable(DataVariable);
        var dataDir = givenData ?? Path.Combine(root, small ? Path.Combine("datasets", "notebooks-small") : SyntheticVocDataset.DefaultRoot);
        var experiments = Environment.GetEnvironmentVariable(ExperimentsVariable)
            ?? (givenData is not null || small ? dataDir.TrimEnd('/', '\\') + "-experiments" : Path.Combine(root, ExperimentLayout.DefaultRoot));
        return new NotebookSetup { DataDir = dataDir, ExperimentsDir = experiments, Small = small };
    }

    /// <summary>The repository the notebook runs in (the folder holding PuzzleCam.sln, from the working folder up), or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PuzzleCam.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The name every tag starts with before its seed: the main job's (<c>synthetic-resnet18</c>); small runs never share it.</summary>
    public string Run => Small ? "notebook-small-resnet18" : "synthetic-resnet18";

    /// <summary>Tag prefix of every network, in the main job's scheme (<c>{run}-seed{seed}</c>): <c>synthetic-resnet18-seed0</c>, the main job's own.</summary>
    public string Prefix => Job.TagPrefix;

    /// <summary>
    /// The main job, <c>puzzlecam reproduce</c> with its defaults, on <see cref="DataDir"/> and <see cref="ExperimentsDir"/>;
    /// small: 24 training and 8 validation images of 96 px and every network trained for a step or two.
    /// </summary>
    public ReproduceOptions Job
    {
        get
        {
            var job = ReproduceOptions.ForSynthetic();
            job = job with
            {
                DataDir = DataDir,
                TagPrefix = ReproduceOptions.SeedTagPrefix(Run, 0),
                Classifier = job.Classifier with { DataDir = DataDir, ExperimentsDir = ExperimentsDir, Seed = 0 },
            };
            if (!Small) return job;
            return job with
            {
                Synthetic = new SyntheticOptions { Train = 24, Val = 8, Size = 96, Seed = 0 },
                Classifier = job.Classifier with { BatchSize = 8, MaxEpoch = 2, ImageSize = 32, MinImageSize = 32, MaxImageSize = 64, NumWorkers = 1 },
                Scales = [1.0],
                AffinityNet = job.AffinityNet with { BatchSize = 2, MaxEpoch = 3, ImageSize = 96, MinImageSize = 96, MaxImageSize = 144, NumWorkers = 1 },
                Segmentation = job.Segmentation with { BatchSize = 2, MaxEpoch = 2, ImageSize = 64, MinImageSize = 64, MaxImageSize = 96, NumWorkers = 1 },
            };
        }
    }

    /// <summary>Every stage's options, as <c>puzzlecam reproduce</c> runs them.</summary>
    public PipelinePlan Plan => PipelinePlan.For(Job);

    /// <summary>The synthetic dataset: the main job's 1,000 training (250 of them with masks in train) and 100 validation images of 128 px.</summary>
    public SyntheticOptions Dataset => Job.Synthetic!;

    /// <summary>Makes the dataset when it is missing; returns its summary when it was made, null when it was there.</summary>
    public SyntheticSummary? EnsureDataset() => SyntheticVocDataset.Ensure(DataDir, Dataset);

    public VocDataset Open(string domain) => VocDataset.Open(DataDir, ImageListSource.FromDomain(domain));

    /// <summary>Stage 1 as the main job trains both classifiers (the synthetic preset: ImageNet ResNet-18, 128-px crops, batch 16, 4 epochs, lr 0.01, alpha 4).</summary>
    public ClassifierTrainingOptions Classifier => Job.Classifier;

    public ClassifierTrainingOptions Baseline => Plan.Baseline;

    public ClassifierTrainingOptions Puzzle => Plan.Puzzle;

    /// <summary>
    /// The split whose CAMs are refined into pseudo labels and on whose pseudo labels DeepLabv3+ trains: <c>train_aug</c>,
    /// every training image, as in the paper.
    /// </summary>
    public string CamDomain => Job.CamDomain;

    /// <summary>The split, part of <see cref="CamDomain"/>, on which CAMs, random walks and pseudo labels are scored, as the reference scores them: <c>train</c>.</summary>
    public string EvalDomain => Job.EvalDomain;

    /// <summary>The main job's CAM scales, 1 and 1.5 (small: 1).</summary>
    public IReadOnlyList<double> CamScales => Job.Scales;

    /// <summary>Stage 2 of <paramref name="run"/> on <paramref name="domain"/> (default <see cref="CamDomain"/>) at the job's scales.</summary>
    public CamInferenceOptions Cams(ClassifierTrainingOptions run, string? domain = null) => PipelinePlan.CamsOf(Job, run, domain ?? CamDomain);

    /// <summary>Stage 3 on the Puzzle-CAM CAMs with the README's thresholds, fg 0.40 and bg 0.10.</summary>
    public AffinityLabelStageOptions AffinityLabels => Plan.AffinityLabels;

    /// <summary>Stage 4: the main job's AffinityNet (128-px crops, 2 epochs; small: 96 px, batch 2, 3 epochs).</summary>
    public AffinityNetTrainingOptions AffinityNet => Plan.AffinityNet;

    /// <summary>Stage 5 as the main job runs it: the reference's β 10 and exp_times 8 on a 128-px edge canvas.</summary>
    public RandomWalkStageOptions RandomWalk => Plan.RandomWalk;

    /// <summary>
    /// Stage 6 with the README's threshold 0.35 and one CRF iteration; the main job cuts at the walk's best threshold on
    /// train instead: <c>Plan.AtWalkThreshold(walkScore).PseudoLabels</c>.
    /// </summary>
    public PseudoLabelStageOptions PseudoLabels => Plan.PseudoLabels;

    /// <summary>
    /// Stage 7 on the pseudo labels: the main job's DeepLabv3+, its backbone started from the Puzzle-CAM classifier's,
    /// the model kept by its mIoU on val.
    /// </summary>
    public SegmentationTrainingOptions Segmentation => Plan.Segmentation;

    /// <summary>Stage 8 of <see cref="Segmentation"/>'s model on val at the job's scale, without the CRF.</summary>
    public SegmentationInferenceOptions Segment => Plan.Segment;

    /// <summary>The same with the job's 10 CRF iterations.</summary>
    public SegmentationInferenceOptions SegmentWithCrf => Plan.SegmentWithCrf;

    /// <summary>
    /// Scores a prediction folder against the masks of <paramref name="domain"/> (default: the evaluation split) and writes the
    /// report beside the predictions, as <c>puzzlecam reproduce</c> does.
    /// </summary>
    public EvaluationReport Evaluate(string predictionDir, EvaluationMode mode, string? domain = null) =>
        Reproduction.Score(DataDir, domain ?? EvalDomain, predictionDir, mode);

    public override string ToString() =>
        $"dataset {DataDir} ({(Small ? "small settings" : "full settings")}), experiments in {ExperimentsDir}";
}
