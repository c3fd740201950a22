namespace PuzzleCam.Benchmarks;

/// <summary>Settings of <c>puzzlecam bench cam</c>: one image's multi-scale CAM, as stage 2 computes it per image.</summary>
public sealed record CamBenchmarkOptions : BenchmarkOptions
{
    /// <summary>JPEG or PNG image the CAM is computed for.</summary>
    public required string ImagePath { get; init; }

    /// <summary>The classifier's backbone.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary>The scales, as <c>--scales</c> of the inference.</summary>
    public IReadOnlyList<double> Scales { get; init; } = CamInferenceOptions.DefaultScales;

    /// <summary>
    /// Classifier weights to load; null: the backbone's own initialisation (ImageNet for resnet18). Weights change no
    /// timing, only the maps.
    /// </summary>
    public string? Checkpoint { get; init; }

    /// <summary>Device as <c>--gpus</c>: "0", "cpu", or unset for the first CUDA device when there is one.</summary>
    public string? Gpus { get; init; }


}

/// <summary>
/// What a CAM benchmark measured: <see cref="Total"/> per image (resizes, normalisation, the forwards of every scale,
/// the resizes and sums of the maps, the copy back; no decoding or file writing), and <see cref="Prepare"/>, the CPU
/// share of it that the runner overlaps with the previous image.
/// </summary>
public sealed record CamBenchmarkResult(CamBenchmarkOptions Options, int Width, int Height, string Device, Timing Total, Timing Prepare)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cam {Options.Architecture}, {Width}x{Height}, scales {string.Join(",", Options.Scales.Select(CamInferenceOptions.FormatScale))}, 20 classes, {Device}: {Total}; of which resize+normalize: median {Prepare.Median:F4} s");
}

/// <summary>
/// Timing of stage 2's unit of work, a whole multi-scale CAM of an image. (The bare classifier forward is
/// <c>puzzlecam bench train-step --forward_only</c>.)
/// </summary>
public static class CamBenchmark
{
    /// <summary>
    /// Times one multi-scale CAM of the image with every class taken as present (the most work a VOC image can need).
    /// </summary>
    public static CamBenchmarkResult RunMultiScale(CamBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateRuns();
        if (options.Scales.Count == 0) throw new BadInputException("--scales is empty");
        var image = ImageCodec.ReadRgb(options.ImagePath);
        TorchRuntime.EnsureLoaded();
        var device = Devices.Parse(options.Gpus)[0];
        using var model = Classifier.Create(options.Architecture, NormMode.Fix);
        if (options.Checkpoint is not null) model.LoadCheckpoint(options.Checkpoint);
        model.to(device);
        var cams = new MultiScaleCam(model, device, options.Scales);
        var allClasses = Enumerable.Repeat(1f, model.NumClasses).ToArray();
        int run = 0;
        var total = Timing.Measure(() =>
        {
            using (var scope = NewDisposeScope()) cams.Compute(image, allClasses);
            run++;
            int timed = run - options.Warmup;
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, timed, "run", report);
        }, options.Warmup, options.Repeats);
        var prepare = Timing.Measure(() => cams.Prepare(image), options.Warmup, options.Repeats);
        return new CamBenchmarkResult(options, image.Width, image.Height, device.ToString(), total, prepare);
    }
}
