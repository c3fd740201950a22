using PuzzleCam.Data;

namespace PuzzleCam.Segmentation;

/// <summary>What a segmentation inference run did; its folder holds the PNGs.</summary>
public sealed record SegmentationInferenceResult : ModelStageResult
{
    internal SegmentationInferenceResult(string experimentName, ModelStageRun run, PerImageResult done) : base(experimentName, run, done)
    {
    }
}

/// <summary>
/// Stage 8 over a split (<c>inference_segmentation.py</c>): loads the stage-7 network and writes one PNG per image to
/// <c>predictions/{experiment name}/{id}.png</c> (VOC palette label maps; RGB colour images for the test domain),
/// resumably, through the shared <see cref="PerImageStage"/> loop: the network and the CRF run on the calling thread
/// while a reader thread decodes, resizes and normalises the next image.
/// </summary>
public static class SegmentationInferenceRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "inference-segmentation";

    /// <summary>Runs the stage.</summary>
    public static SegmentationInferenceResult Run(SegmentationInferenceOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = ModelStageRun.Open(options, options.Checkpoint is null
            ? $"segmentation model of --tag {options.Tag} not found (train it with train-segmentation --tag {options.Tag}, or give --checkpoint)"
            : "segmentation model not found (--checkpoint)");
        var settings = new Dictionary<string, string>
        {
            ["backbone"] = options.Backbone,
            ["mode"] = Normalization.ModeName(options.Mode),
            ["use_gn"] = options.UseGroupNorm ? "true" : "false",
            ["scales"] = options.ScalesText,
            ["iteration"] = options.CrfIterations.ToString(CultureInfo.InvariantCulture),
            ["colour"] = options.WritesColour ? "true" : "false",
        };
        var outputs = run.Outputs(StageName, options.PredictionDir, ".png", settings);
        return new SegmentationInferenceResult(options.ExperimentName, run, PerImageStage.RunWithPrefetch(outputs, () => new Work(options, run), progress, cancel));
    }

    /// <summary>
    /// The network of <paramref name="options"/> with the weights of <paramref name="checkpoint"/>, on
    /// <paramref name="device"/>; a checkpoint of another backbone or head throws naming the file, loading nothing.
    /// </summary>
    public static DeepLabV3Plus LoadModel(SegmentationInferenceOptions options, string checkpoint, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ModelStageRun.Load(CreateModel(options), checkpoint, device);
    }

    private static DeepLabV3Plus CreateModel(SegmentationInferenceOptions options) => DeepLabV3Plus.Create(options.Backbone, options.Mode, options.UseGroupNorm);

    /// <summary>A label map as the RGB image of its VOC colours (the reference's test-domain output).</summary>
    public static RgbImage Colourise(LabelMap labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var image = new RgbImage(labels.Width, labels.Height);
        var palette = VocClasses.Palette;
        for (int i = 0; i < labels.Labels.Length; i++)
        {
            int entry = labels.Labels[i] * 3;
            image.Pixels[i * 3] = palette[entry];
            image.Pixels[i * 3 + 1] = palette[entry + 1];
            image.Pixels[i * 3 + 2] = palette[entry + 2];
        }
        return image;
    }

    /// <summary>The network on its device and the dataset it reads; one image at a time.</summary>
    private sealed class Work : ModelImageWork<DeepLabV3Plus, (SegmentationInputs Inputs, int Width, int Height)>
    {
        private readonly SegmentationPredictor _predictor;
        private readonly bool _colour;

        public Work(SegmentationInferenceOptions options, ModelStageRun run) : base(CreateModel(options), run)
        {
            _predictor = new SegmentationPredictor(Model, run.Device, options.Scales, options.CrfIterations);
            _colour = options.WritesColour;
        }

        public override (SegmentationInputs Inputs, int Width, int Height) Read(string id)
        {
            var (image, width, height) = ReadImage(id, _predictor.Scales.Max());
            return (_predictor.Prepare(image), width, height);
        }

        public override void Process(string id, (SegmentationInputs Inputs, int Width, int Height) input, string outputPath)
        {
            var labels = _predictor.Predict(input.Inputs).Labels;
            if (labels.Width != input.Width || labels.Height != input.Height)
                labels = Data.Transforms.PilResize.Nearest(labels, input.Width, input.Height);
            if (_colour) ImageCodec.WritePng(outputPath, Colourise(labels));
            else PalettePng.Write(outputPath, labels);
        }
    }
}
