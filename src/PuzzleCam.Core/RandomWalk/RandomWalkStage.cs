using System.Globalization;
using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 5 over a split (<c>inference_rw.py</c>): the CAMs of stage 2 walked over the edges of the stage-4 AffinityNet,
/// one <c>.npz</c> (keys, rw) per image in <c>predictions/{model_name}@train@beta=10@exp_times=8@rw</c>. Defaults are
/// the reference script's.
/// </summary>
public sealed record RandomWalkStageOptions
{
    /// <summary><c>--architecture</c>: the AffinityNet's backbone; must match the checkpoint.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary><c>--model_name</c>: the stage-4 tag, <c>models/{model_name}.pth</c>.</summary>
    public string ModelName { get; init; } = "";

    /// <summary><c>--cam_dir</c>: the CAM folder under predictions/ (stage 2's output).</summary>
    public string CamDir { get; init; } = "";

    public string Domain { get; init; } = "train";

    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary><c>--beta</c>, <c>--exp_times</c> and <c>--propagation</c>.</summary>
    public RandomWalkOptions Walk { get; init; } = new();

    /// <summary>
    /// <c>--max_side</c>: an image whose longer side exceeds it is walked on a copy shrunk to it (its stride-4 CAMs
    /// resized to the copy's grid), and the walked maps are resized back to the image's size; null (the reference)
    /// walks every image at its own size, and refuses one that would not fit in memory (<see cref="LargeImages"/>).
    /// </summary>
    public int? MaxSide { get; init; }

    /// <summary><c>--gpus</c>: the device of the edge network (the first of a list).</summary>
    public string? Gpus { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The reference's name: <c>{model_name}@train@beta={beta}@exp_times={exp_times}@rw</c> (<c>@val</c> for a domain without "train").</summary>
    public string ExperimentName => string.Create(CultureInfo.InvariantCulture,
        $"{ModelName}@{(Domain.Contains("train", StringComparison.Ordinal) ? "train" : "val")}@beta={Walk.Beta}@exp_times={Walk.ExpTimes}@rw");

    public string OutputDir => Layout.Predictions(ExperimentName);

    public string CamFolder => Layout.Predictions(CamDir);

    public string ModelPath => Layout.Model(ModelName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelName)) throw new BadInputException("--model_name is required: the tag of train-affinitynet");
        if (string.IsNullOrWhiteSpace(CamDir)) throw new BadInputException("--cam_dir is required: the CAM folder of inference-classification");
        if (string.IsNullOrWhiteSpace(Domain)) throw new BadInputException("--domain is empty");
        Backbones.Find(Architecture);
        Walk.Validate();
        if (LargeImages.MaxSideProblem(MaxSide) is { } side) throw new BadInputException(side);
    }
}

/// <summary>Runs stage 5: the AffinityNet on its device, the walk on the CPU, the next image read meanwhile.</summary>
public static class RandomWalkRunner
{
    public const string StageName = "inference-rw";

    public static PerImageResult Run(RandomWalkStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        if (!File.Exists(options.ModelPath))
            throw new FileNotFoundException($"{options.ModelPath}: AffinityNet checkpoint not found (train it with train-affinitynet --tag {options.ModelName})", options.ModelPath);
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var cams = StageInputs.RequireFolder(options.CamFolder, "--cam_dir", CamInferenceRunner.StageName, dataset.Ids, CamFile.Extension);
        var device = Devices.Parse(options.Gpus)[0];
        var inputs = new Dictionary<string, string>(cams) { ["checkpoint"] = options.ModelPath };
        var outputs = new PerImageOutputs
        {
            Stage = StageName,
            Folder = options.OutputDir,
            Extension = CamFile.Extension,
            Ids = dataset.Ids,
            Settings = new Dictionary<string, string>
            {
                ["architecture"] = options.Architecture,
                ["cams"] = options.Layout.Portable(options.CamFolder),
                ["beta"] = options.Walk.Beta.ToString(CultureInfo.InvariantCulture),
                ["exp_times"] = options.Walk.ExpTimes.ToString(CultureInfo.InvariantCulture),
                ["propagation"] = options.Walk.Mode.ToString().ToLowerInvariant(),
                ["edge_canvas"] = options.Walk.EdgeCanvas.ToString(CultureInfo.InvariantCulture),
                ["data_dir"] = options.Layout.Portable(dataset.Root),
            },
            MaxSide = options.MaxSide,
            NamedBy = "--model_name",
            InputFiles = inputs,
            RunInfo = new Dictionary<string, string> { ["domain"] = options.Domain, ["device"] = device.ToString() },
        };
        return PerImageStage.RunWithPrefetch(outputs, () => new Work(options, device, dataset), progress, cancel);
    }

    private sealed class Work : IImageWork<(CamFile Cams, RgbImage Image, int Width, int Height)>, IDisposable
    {
        private readonly AffinityNet _model;
        private readonly RandomWalkInference _walk;
        private readonly RandomWalkStageOptions _options;
        private readonly VocDataset _dataset;

        public Work(RandomWalkStageOptions options, Device device, VocDataset dataset)
        {
            _options = options;
            _dataset = dataset;
            // The walk needs only the edges; the training path index's buffers are derived state of the checkpoint.
            _model = AffinityNet.Create(options.Architecture, pathIndex: null);
            try
            {
                _model.LoadCheckpoint(options.ModelPath);
                _model.to(device);
            }
            catch
            {
                _model.Dispose();
                throw;
            }
            _walk = new RandomWalkInference(_model, options.Walk, device);
        }

        public (CamFile Cams, RgbImage Image, int Width, int Height) Read(string id)
        {
            // The edge network sees the image (padded) at its own scale.
            var (image, width, height) = LargeImages.Read(_dataset, id, 1.0, _options.MaxSide);
            if (_options.Walk.Mode == RandomWalkMode.Dense && RandomWalkPropagation.DenseProblem(image.Height, image.Width) is { } dense)
                throw new BadInputException($"{_dataset.ImagePath(id)}: {dense}; use --propagation sparse (the same maps, computed without the matrix){(_options.MaxSide is null ? " or a smaller image (--max_side)" : " or a smaller --max_side")}");
            return (StageInputs.ReadCams(_options.CamFolder, id, needCam: true), image, width, height);
        }

        public void Process(string id, (CamFile Cams, RgbImage Image, int Width, int Height) input, string outputPath)
        {
            var (cams, image, width, height) = input;
            var (h, w) = Grid(height, width);
            if (cams.Cam!.Height != h || cams.Cam.Width != w)
                throw new InvalidDataFileException(Path.Combine(_options.CamFolder, id + CamFile.Extension),
                    $"'{CamFile.CamName}' is {cams.Cam.Height}x{cams.Cam.Width}, but the {width}x{height} image {_dataset.ImagePath(id)} needs {h}x{w}");
            if (image.Width == width && image.Height == height)
            {
                _walk.Run(image, cams).Write(outputPath);
                return;
            }
            // A shrunk copy: its CAMs resized to its grid, the walked maps back to the image's size.
            var (sh, sw) = Grid(image.Height, image.Width);
            var walked = _walk.Run(image, cams.Cam.Resized(sh, sw));
            new CamFile(cams.Keys, RandomWalk: walked.Resized(height, width)).Write(outputPath);
        }

        /// <summary>The stride-4 grid (height, width) the walk runs on for an image of that size.</summary>
        private static (int Height, int Width) Grid(int height, int width) =>
            ((height - 1) / RandomWalkPropagation.Stride + 1, (width - 1) / RandomWalkPropagation.Stride + 1);

        public void Dispose() => _model.Dispose();
    }
}
