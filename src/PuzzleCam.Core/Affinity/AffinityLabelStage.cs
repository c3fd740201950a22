using System.Globalization;
using PuzzleCam.Cams;
using PuzzleCam.Crf;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Affinity;

/// <summary>
/// Stage 3 over a split (<c>make_affinity_labels.py</c>): the confident labels of every image's CAMs, written to
/// <c>predictions/{experiment_name}@aff_fg={fg}_bg={bg}/{id}.png</c>. Defaults are the reference script's; the README
/// runs fg 0.40 and bg 0.10.
/// </summary>
public sealed record AffinityLabelStageOptions
{
    /// <summary><c>--experiment_name</c>: the CAM folder under predictions/ (stage 2's output).</summary>
    public string ExperimentName { get; init; } = "";

    /// <summary><c>--domain</c>: the split whose CAMs are turned into labels (the README runs train_aug).</summary>
    public string Domain { get; init; } = "train";

    /// <summary><c>--data_dir</c>: the VOC root, for the images the CRF reads.</summary>
    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    /// <summary>Root of the experiment outputs.</summary>
    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary><c>--fg_threshold</c> and <c>--bg_threshold</c>.</summary>
    public AffinityLabelOptions Thresholds { get; init; } = new();

    /// <summary><c>--num_workers</c>: images labelled at once, one CRF each (default: every core).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The CAM folder read.</summary>
    public string CamDir => Layout.Predictions(ExperimentName);

    /// <summary>The reference's output name, <c>{experiment_name}@aff_fg=0.40_bg=0.10</c>.</summary>
    public string OutputName => string.Create(CultureInfo.InvariantCulture,
        $"{ExperimentName}@aff_fg={Thresholds.FgThreshold:F2}_bg={Thresholds.BgThreshold:F2}");

    /// <summary>The folder the labels go to.</summary>
    public string OutputDir => Layout.Predictions(OutputName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ExperimentName)) throw new BadInputException("--experiment_name is required: it names the CAM folder under predictions/");
        if (string.IsNullOrWhiteSpace(Domain)) throw new BadInputException("--domain is empty");
        if (Workers < 1) throw new BadInputException($"--num_workers must be at least 1, got {Workers}");
        Thresholds.Validate();
    }
}

/// <summary>Runs stage 3 on parallel CPU workers (each with its own dense CRF), resumably.</summary>
public static class AffinityLabelRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "make-affinity-labels";

    public static PerImageResult Run(AffinityLabelStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var cams = StageInputs.RequireFolder(options.CamDir, "--experiment_name", CamInferenceRunner.StageName, dataset.Ids, CamFile.Extension);
        var outputs = new PerImageOutputs
        {
            Stage = StageName,
            Folder = options.OutputDir,
            Extension = ".png",
            Ids = dataset.Ids,
            Settings = new Dictionary<string, string>
            {
                ["cams"] = options.Layout.Portable(options.CamDir),
                ["fg_threshold"] = options.Thresholds.FgThreshold.ToString("R", CultureInfo.InvariantCulture),
                ["bg_threshold"] = options.Thresholds.BgThreshold.ToString("R", CultureInfo.InvariantCulture),
                ["data_dir"] = options.Layout.Portable(dataset.Root),
            },
            InputFiles = cams,
            RunInfo = new Dictionary<string, string> { ["domain"] = options.Domain },
            // The folder is named after its input folder; no flag of the command names it anew.
            NamedBy = null,
        };
        return PerImageStage.RunInParallel(outputs, () => new Work(options, dataset), options.Workers, progress, cancel);
    }

    private sealed class Work(AffinityLabelStageOptions options, VocDataset dataset) : IImageWork<(CamFile Cams, RgbImage Image)>
    {
        private readonly DenseCrf _crf = new();

        public (CamFile Cams, RgbImage Image) Read(string id) =>
            (StageInputs.ReadCams(options.CamDir, id, needHighRes: true), dataset.ReadImage(id));

        public void Process(string id, (CamFile Cams, RgbImage Image) input, string outputPath)
        {
            StageInputs.CheckSize(input.Cams.HighResCam!, input.Image, Path.Combine(options.CamDir, id + CamFile.Extension), dataset.ImagePath(id));
            PalettePng.Write(outputPath, AffinityLabels.Compute(input.Cams, input.Image, options.Thresholds, _crf));
        }
    }
}
