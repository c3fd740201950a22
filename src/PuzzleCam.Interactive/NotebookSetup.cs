using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
using PuzzleCam.Pipeline;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Interactive;

/// <summary>
/// What the notebooks share: one synthetic dataset, one experiments folder, and the settings of every stage, chained
/// as <c>puzzlecam reproduce</c> chains them (each stage reads the folder the one before wrote). A notebook that finds
/// an earlier notebook's finished run under the same tag reuses it, so 04 starts from the CAMs 03 made, and a
/// notebook run on its own makes what it is missing. Small settings (the tests) shrink every stage to seconds.
/// </summary>
public sealed record NotebookSetup
{
    /// <summary>The dataset folder (default <c>datasets/notebooks</c> in the repository).</summary>
    public const string DataVariable = "PUZZLECAM_NOTEBOOK_DATA";

    /// <summary>"1": small settings, a smoke test of every cell in seconds.</summary>
    public const string SmallVariable = "PUZZLECAM_NOTEBOOK_SMALL";

    /// <summary>Models, logs and predictions (default: the dataset folder's name with <c>-experiments</c>, beside it).</summary>
    public const string ExperimentsVariable = "PUZZLECAM_NOTEBOOK_EXPERIMENTS";

    public required string DataDir { get; init; }

    public required string ExperimentsDir { get; init; }

    public bool Small { get; init; }

    /// <summary>The settings the environment variables ask for (<see cref="DataVariable"/>, <see cref="SmallVariable"/>, <see cref="ExperimentsVariable"/>).</summary>
    public static NotebookSetup FromEnvironment()
    {
        var dataDir = Environment.GetEnvironmentVariable(DataVariable)
            ?? Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "datasets", "notebooks");
        return new NotebookSetup
        {
            DataDir = dataDir,
            ExperimentsDir = Environment.GetEnvironmentVariable(ExperimentsVariable) ?? dataDir.TrimEnd('/', '\\') + "-experiments",
            Small = Environment.GetEnvironmentVariable(SmallVariable) == "1",
        };
    }

    /// <summary>The repository the notebook runs in (the folder holding PuzzleCam.sln, from the working folder up), or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PuzzleCam.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The name every tag starts with before its seed; small and full runs never share one.</summary>
    public string Run => Small ? "notebook-small" : "notebook";

    /// <summary>
    /// Tag prefix of every network the notebooks train, in the main job's scheme (<c>{run}-seed{seed}</c>), so that the
    /// loss ablation of 08 finds the classifiers of 02 as it finds those of <c>puzzlecam reproduce</c>.
    /// </summary>
    public string Prefix => ReproduceOptions.SeedTagPrefix(Run, Classifier.Seed);

    /// <summary>The synthetic dataset: 200 training and 40 validation images of 160 px (small: 24 and 8 of 96 px).</summary>
    public SyntheticOptions Dataset => new() { Train = Small ? 24 : 200, Val = Small ? 8 : 40, Size = Small ? 96 : 160, Seed = 0 };

    /// <summary>Makes the dataset when it is missing; returns its summary when it was made, null when it was there.</summary>
    public SyntheticSummary? EnsureDataset() => SyntheticVocDataset.Ensure(DataDir, Dataset);

    public VocDataset Open(string domain) => VocDataset.Open(DataDir, ImageListSource.FromDomain(domain));

    /// <summary>
    /// The classifiers of 02 and 03: the synthetic preset of <c>puzzlecam reproduce</c> (ImageNet ResNet-18, 128-px crops,
    /// batch 16, lr 0.01, alpha 4) for 15 epochs, as long as the reference trains on VOC.
    /// </summary>
    public ClassifierTrainingOptions Classifier
    {
        get
        {
            var training = ReproduceOptions.SyntheticClassifier with { DataDir = DataDir, ExperimentsDir = ExperimentsDir, MaxEpoch = 15 };
            return Small ? training with { BatchSize = 8, MaxEpoch = 2, ImageSize = 32, MinImageSize = 32, MaxImageSize = 64, NumWorkers = 1 } : training;
        }
    }

    public ClassifierTrainingOptions Baseline => Classifier with { Puzzle = false, Tag = $"{Prefix}-baseline" };

    public ClassifierTrainingOptions Puzzle => Classifier with { Puzzle = true, Tag = $"{Prefix}-puzzle" };

    /// <summary>
    /// The split whose CAMs are refined into pseudo labels and on whose pseudo labels DeepLabv3+ trains: <c>train_aug</c>,
    /// every training image, as in the paper.
    /// </summary>
    public string CamDomain => "train_aug";

    /// <summary>The split, part of <see cref="CamDomain"/>, on which CAMs, random walks and pseudo labels are scored, as the reference scores them: <c>train</c>.</summary>
    public string EvalDomain => "train";

    /// <summary>The reference's scales 0.5, 1, 1.5 and 2 (small: 1).</summary>
    public IReadOnlyList<double> CamScales => Small ? [1.0] : CamInferenceOptions.DefaultScales;

    public CamInferenceOptions Cams(ClassifierTrainingOptions run, string? domain = null) => new()
    {
        DataDir = DataDir, Architecture = run.Architecture, Mode = run.Mode, Tag = run.Tag,
        Domain = domain ?? CamDomain, Scales = CamScales, ExperimentsDir = run.ExperimentsDir,
    };

    /// <summary>Stage 3 on the Puzzle-CAM CAMs with the README's thresholds, fg 0.40 and bg 0.10.</summary>
    public AffinityLabelStageOptions AffinityLabels => new()
    {
        ExperimentName = Cams(Puzzle).ExperimentName, Domain = CamDomain, DataDir = DataDir, ExperimentsDir = ExperimentsDir,
        Thresholds = AffinityLabelOptions.Readme,
    };

    /// <summary>Stage 4: the synthetic preset's AffinityNet (192-px crops, batch 8, 5 epochs; small: 96 px, batch 2, 3 epochs).</summary>
    public AffinityNetTrainingOptions AffinityNet
    {
        get
        {
            var options = ReproduceOptions.SyntheticAffinityNet with
            {
                Architecture = Classifier.Architecture, Tag = $"{Prefix}-affinitynet", LabelName = AffinityLabels.OutputName, Domain = CamDomain,
                DataDir = DataDir, ExperimentsDir = ExperimentsDir, Seed = Classifier.Seed,
            };
            return Small ? options with { BatchSize = 2, MaxEpoch = 3, ImageSize = 96, MinImageSize = 96, MaxImageSize = 144, NumWorkers = 1 } : options;
        }
    }

    /// <summary>Stage 5 as the synthetic preset runs it: the reference's β 10 and exp_times 8 on a 128-px edge canvas.</summary>
    public RandomWalkStageOptions RandomWalk => new()
    {
        Architecture = AffinityNet.Architecture, ModelName = AffinityNet.Tag, CamDir = Cams(Puzzle).ExperimentName, Domain = CamDomain,
        DataDir = DataDir, ExperimentsDir = ExperimentsDir, Walk = ReproduceOptions.SyntheticWalk,
    };

    /// <summary>Stage 6 with the README's one CRF iteration, cut at <paramref name="threshold"/> (the README: 0.35).</summary>
    public PseudoLabelStageOptions PseudoLabels(double threshold) => new()
    {
        ExperimentName = RandomWalk.ExperimentName, Domain = CamDomain, DataDir = DataDir, ExperimentsDir = ExperimentsDir,
        Labels = PseudoLabelOptions.Readme with { Threshold = threshold },
    };

    /// <summary>
    /// Stage 7 on the pseudo labels of <paramref name="pseudoLabels"/>: the synthetic preset's DeepLabv3+
    /// (<see cref="ReproduceOptions.SyntheticSegmentation"/>) with its backbone started from the Puzzle-CAM classifier's,
    /// as <c>puzzlecam reproduce</c> does, the model kept by its mIoU on val; small: 64-px crops, batch 2, 2 epochs.
    /// </summary>
    public SegmentationTrainingOptions Segmentation(PseudoLabelStageOptions pseudoLabels)
    {
        var options = (ReproduceOptions.SyntheticSegmentation with
        {
            Tag = ReproduceOptions.SegmentationTag(Prefix, backboneFromClassifier: true), LabelName = pseudoLabels.OutputName,
            Domain = CamDomain, EvalDomain = "val", DataDir = DataDir, ExperimentsDir = ExperimentsDir, Seed = Classifier.Seed,
        }).StartingFrom(Puzzle);
        return Small ? options with { BatchSize = 2, MaxEpoch = 2, ImageSize = 64, MinImageSize = 64, MaxImageSize = 96, NumWorkers = 1 } : options;
    }

    /// <summary>Stage 8 of <paramref name="training"/>'s model on <paramref name="domain"/> with the preset's scales and <paramref name="crfIterations"/> (0: no CRF).</summary>
    public SegmentationInferenceOptions SegmentationInference(SegmentationTrainingOptions training, string domain, int crfIterations) => new()
    {
        DataDir = DataDir, Backbone = training.Backbone, Mode = training.Mode, UseGroupNorm = training.UseGroupNorm, Tag = training.Tag,
        Domain = domain, Scales = ReproduceOptions.SyntheticSegmentationScales, ExperimentsDir = ExperimentsDir, Iteration = crfIterations,
    };

    /// <summary>
    /// Scores a prediction folder against the masks of <paramref name="domain"/> (default: the evaluation split) and writes the
    /// report beside the predictions, as <c>puzzlecam reproduce</c> does.
    /// </summary>
    public EvaluationReport Evaluate(string predictionDir, EvaluationMode mode, string? domain = null) => new EvaluationRunner(new EvaluationOptions
    {
        PredictDir = predictionDir, GtDir = EvaluationOptions.GtDirFromDataDir(DataDir), Ids = Open(domain ?? EvalDomain).Ids, Mode = mode,
    }).RunAndWrite(ExperimentLayout.Report(predictionDir));

    public override string ToString() =>
        $"dataset {DataDir} ({(Small ? "small settings" : "full settings")}), experiments in {ExperimentsDir}";
}
