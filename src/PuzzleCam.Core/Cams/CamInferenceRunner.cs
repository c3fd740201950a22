namespace PuzzleCam.Cams;

/// <summary>What a CAM inference run did; its folder holds the CAM files.</summary>
public sealed record CamInferenceResult : ModelStageResult
{
    internal CamInferenceResult(string experimentName, ModelStageRun run, PerImageResult done) : base(experimentName, run, done)
    {
    }
}

/// <summary>
/// Stage 2 over a split (<c>inference_classification.py</c>): loads the stage-1 classifier and writes one
/// <see cref="CamFile"/> per image to <c>predictions/{experiment name}/{id}.npz</c>, resumably, through the shared
/// <see cref="PerImageStage"/> loop: the classifier runs on its device while a reader thread decodes, resizes and
/// normalises the next image.
/// </summary>
public static class CamInferenceRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "inference-classification";

    /// <summary>Runs the stage.</summary>
    public static CamInferenceResult Run(CamInferenceOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = ModelStageRun.Open(options, options.Checkpoint is null
            ? $"classifier of --tag {options.Tag} not found (train it with train-classification --tag {options.Tag}, or give --checkpoint)"
            : "classifier checkpoint not found (--checkpoint)");
        var outputs = run.Outputs(StageName, options.PredictionDir, CamFile.Extension, ShapingSettings(options));
        return new CamInferenceResult(options.ExperimentName, run, PerImageStage.RunWithPrefetch(outputs, () => new Work(options, run), progress, cancel));
    }

    /// <summary>The file of one id in a prediction folder.</summary>
    public static string OutputPath(string predictionDir, string id) => Path.Combine(predictionDir, id + CamFile.Extension);

    /// <summary>
    /// What every CAM of the folder depends on besides the checkpoint's contents. The split is not among them: an id's
    /// CAM is the same whichever list named it, and train and train_aug share a folder name.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ShapingSettings(CamInferenceOptions options) => new Dictionary<string, string>
    {
        ["architecture"] = options.Architecture,
        ["mode"] = Normalization.ModeName(options.Mode),
        ["scales"] = options.ScalesText,
    };

    /// <param name="Tags">The image's class tags.</param>
    /// <param name="Inputs">Every scale of the image, or of its shrunk copy.</param>
    /// <param name="Width">The image's own width, which the maps are resized back to.</param>
    /// <param name="Height">The image's own height.</param>
    private sealed record Prefetched(float[] Tags, CamInputs Inputs, int Width, int Height);

    /// <summary>The classifier on its device and the dataset it reads; one image at a time.</summary>
    private sealed class Work : ModelImageWork<Classifier, Prefetched>
    {
        private readonly MultiScaleCam _cams;

        public Work(CamInferenceOptions options, ModelStageRun run) : base(Classifier.Create(options.Architecture, options.Mode), run) =>
            _cams = new MultiScaleCam(Model, run.Device, options.Scales);

        public override Prefetched Read(string id)
        {
            var (image, width, height) = ReadImage(id, _cams.Scales.Max());
            return new(Dataset.ReadTags(id), _cams.Prepare(image), width, height);
        }

        public override void Process(string id, Prefetched input, string outputPath)
        {
            var cams = _cams.Compute(input.Inputs, input.Tags);
            if (input.Inputs.Width != input.Width || input.Inputs.Height != input.Height)
                cams = MultiScaleCam.AtImageSize(cams, input.Width, input.Height);
            cams.Write(outputPath);
        }
    }
}
