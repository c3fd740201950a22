using System.Globalization;
using PuzzleCam.Cams;
using PuzzleCam.Crf;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 6 over a split (<c>make_pseudo_labels.py</c>): the random-walk maps cut at a background threshold and refined
/// by the label CRF, one palette PNG per image in <c>predictions/{experiment_name}@crf={t}</c>. Defaults are the
/// reference script's; the README runs threshold 0.35 and one CRF iteration.
/// </summary>
public sealed record PseudoLabelStageOptions
{
    /// <summary><c>--experiment_name</c>: the random-walk folder under predictions/ (stage 5's output).</summary>
    public string ExperimentName { get; init; } = "";

    public string Domain { get; init; } = "train";

    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary><c>--threshold</c> and <c>--crf_iteration</c>.</summary>
    public PseudoLabelOptions Labels { get; init; } = new();

    /// <summary><c>--num_workers</c>: images labelled at once, one CRF each (default: every core).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    public string WalkDir => Layout.Predictions(ExperimentName);

    /// <summary>
    /// The reference's name, <c>{experiment_name}@crf={t}</c>. The threshold is not in it (as in the reference), but the
    /// folder's record holds it, so a rerun with another threshold refuses instead of mixing labels.
    /// </summary>
    public string OutputName => string.Create(CultureInfo.InvariantCulture, $"{ExperimentName}@crf={Labels.CrfIteration}");

    public string OutputDir => Layout.Predictions(OutputName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ExperimentName)) throw new BadInputException("--experiment_name is required: the random-walk folder of inference-rw");
        if (string.IsNullOrWhiteSpace(Domain)) throw new BadInputException("--domain is empty");
        if (Workers < 1) throw new BadInputException($"--num_workers must be at least 1, got {Workers}");
        Labels.Validate();
    }
}

/// <summary>Runs stage 6 on parallel CPU workers, each with its own dense CRF, resumably.</summary>
public static class PseudoLabelRunner
{
    public const string StageName = "make-pseudo-labels";

    public static PerImageResult Run(PseudoLabelStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var walks = StageInputs.RequireFolder(options.WalkDir, "--experiment_name", RandomWalkRunner.StageName, dataset.Ids, CamFile.Extension);
        var outputs = new PerImageOutputs
        {
            Stage = StageName,
            Folder = options.OutputDir,
            Extension = ".png",
            Ids = dataset.Ids,
            Settings = new Dictionary<string, string>
            {
                ["random_walk"] = options.Layout.Portable(options.WalkDir),
                ["threshold"] = options.Labels.Threshold.ToString("R", CultureInfo.InvariantCulture),
                ["crf_iteration"] = options.Labels.CrfIteration.ToString(CultureInfo.InvariantCulture),
                ["data_dir"] = options.Layout.Portable(dataset.Root),
            },
            InputFiles = walks,
            RunInfo = new Dictionary<string, string> { ["domain"] = options.Domain },
            // The folder is named after its input folder; no flag of the command names it anew.
            NamedBy = null,
        };
        return PerImageStage.RunInParallel(outputs, () => new Work(options, dataset), options.Workers, progress, cancel);
    }

    private sealed class Work(PseudoLabelStageOptions options, VocDataset dataset) : IImageWork<(CamFile Walk, RgbImage Image)>
    {
        private readonly DenseCrf _crf = new();

        public (CamFile Walk, RgbImage Image) Read(string id) =>
            (StageInputs.ReadCams(options.WalkDir, id, needRandomWalk: true), dataset.ReadImage(id));

        public void Process(string id, (CamFile Walk, RgbImage Image) input, string outputPath)
        {
            StageInputs.CheckSize(input.Walk.RandomWalk!, input.Image, Path.Combine(options.WalkDir, id + CamFile.Extension), dataset.ImagePath(id));
            PalettePng.Write(outputPath, PseudoLabels.Compute(input.Walk, input.Image, options.Labels, _crf));
        }
    }
}
