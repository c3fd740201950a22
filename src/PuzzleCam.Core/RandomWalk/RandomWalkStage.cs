using PuzzleCam.Affinity;

namespace PuzzleCam.RandomWalk;

/// <summary>Runs stage 5: the AffinityNet on its device, the walk on the CPU, the next image read meanwhile.</summary>
public static class RandomWalkRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "inference-rw";

    /// <summary>Runs the stage.</summary>
    public static PerImageResult Run(RandomWalkStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = ModelStageRun.Open(options, $"AffinityNet model of --model_name {options.ModelName} not found (train it with train-affinitynet --tag {options.ModelName})");
        var cams = new CamFileInput(options.CamFolder, "--cam_dir", CamInferenceRunner.StageName, CamFile.CamName);
        var camFolder = cams.Require(run.Dataset.Ids);
        var settings = new Dictionary<string, string>
        {
            ["architecture"] = options.Architecture,
            ["cams"] = options.Layout.Portable(options.CamFolder),
            ["beta"] = options.Walk.Beta.ToString(CultureInfo.InvariantCulture),
            ["exp_times"] = options.Walk.ExpTimes.ToString(CultureInfo.InvariantCulture),
            ["propagation"] = options.Walk.Mode.ToString().ToLowerInvariant(),
            ["edge_canvas"] = options.Walk.EdgeCanvas.ToString(CultureInfo.InvariantCulture),
        };
        // A walk's record of the run holds the split and the device, the keys of its folders' options.json.
        var outputs = run.Outputs(StageName, options.OutputDir, CamFile.Extension, settings, recordsStart: false);
        outputs = outputs with { NamedBy = "--model_name", InputFiles = new Dictionary<string, string>(camFolder) { ["checkpoint"] = run.Checkpoint } };
        return PerImageStage.RunWithPrefetch(outputs, () => new Work(options, run, cams), progress, cancel);
    }

    /// <summary>The AffinityNet on its device, the CAM folder and the dataset it reads; one image at a time.</summary>
    private sealed class Work : ModelImageWork<AffinityNet, (CamFile Cams, RgbImage Image, int Width, int Height)>
    {
        private readonly RandomWalkInference _walk;
        private readonly RandomWalkStageOptions _options;
        private readonly CamFileInput _cams;

        // The walk needs only the edges; the training path index's buffers are derived state of the checkpoint.
        public Work(RandomWalkStageOptions options, ModelStageRun run, CamFileInput cams) : base(AffinityNet.Create(options.Architecture, pathIndex: null), run)
        {
            _options = options;
            _cams = cams;
            _walk = new RandomWalkInference(Model, options.Walk, run.Device);
        }

        public override (CamFile Cams, RgbImage Image, int Width, int Height) Read(string id)
        {
            // The edge network sees the image (padded) at its own scale.
            var (image, width, height) = ReadImage(id, 1.0);
            if (_options.Walk.Mode == RandomWalkMode.Dense && RandomWalkPropagation.DenseProblem(image.Height, image.Width) is { } dense)
                throw new BadInputException($"{Dataset.ImagePath(id)}: {dense}; use --propagation sparse (the same maps, computed without the matrix){(_options.MaxSide is null ? " or a smaller image (--max_side)" : " or a smaller --max_side")}");
            return (_cams.Read(id).File, image, width, height);
        }

        public override void Process(string id, (CamFile Cams, RgbImage Image, int Width, int Height) input, string outputPath)
        {
            var (cams, image, width, height) = input;
            var (h, w) = Grid(height, width);
            if (cams.Cam!.Height != h || cams.Cam.Width != w)
                throw new InvalidDataFileException(_cams.PathOf(id),
                    $"'{CamFile.CamName}' is {cams.Cam.Height}x{cams.Cam.Width}, but the {width}x{height} image {Dataset.ImagePath(id)} needs {h}x{w}");
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
    }
}
