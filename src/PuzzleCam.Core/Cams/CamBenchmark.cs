using System.Globalization;
using PuzzleCam.Benchmarks;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Runtime;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Cams;

/// <summary>Settings of <c>puzzlecam bench cam</c>: one image's multi-scale CAM, as stage 2 computes it per image.</summary>
public sealed record CamBenchmarkOptions
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

    /// <summary>Untimed runs first.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Timed runs.</summary>
    public int Repeats { get; init; } = 5;
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

/// <summary>Settings of <c>puzzlecam bench forward</c>: the classifier's eval forward of one batch.</summary>
public sealed record ForwardBenchmarkOptions
{
    public string Architecture { get; init; } = "resnet50";

    /// <summary>Images per batch (the issue compares 2 with PyTorch).</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Square input side.</summary>
    public int ImageSize { get; init; } = 512;

    public string? Gpus { get; init; }
    public int Warmup { get; init; } = 1;
    public int Repeats { get; init; } = 5;
}

public sealed record ForwardBenchmarkResult(ForwardBenchmarkOptions Options, string Device, Timing Timing)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"forward {Options.Architecture} eval, {Options.BatchSize}x3x{Options.ImageSize}x{Options.ImageSize}, {Device}: {Timing}");
}

/// <summary>Timings of stage 2's work: a whole multi-scale CAM of an image, and the bare classifier forward.</summary>
public static class CamBenchmark
{
    /// <summary>
    /// Times one multi-scale CAM of the image with every class taken as present (the most work a VOC image can need).
    /// </summary>
    public static CamBenchmarkResult RunMultiScale(CamBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckRuns(options.Warmup, options.Repeats);
        if (options.Scales.Count == 0) throw new ArgumentException("--scales is empty");
        var image = ImageCodec.ReadRgb(options.ImagePath);
        TorchRuntime.EnsureLoaded();
        var device = DataParallel<Classifier>.ParseDevices(options.Gpus)[0];
        using var model = Classifier.Create(options.Architecture, NormMode.Fix);
        if (options.Checkpoint is not null) model.LoadCheckpoint(options.Checkpoint);
        model.to(device);
        var cams = new MultiScaleCam(model, device, options.Scales);
        var allClasses = Enumerable.Repeat(1f, model.NumClasses).ToArray();
        var total = Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            cams.Compute(image, allClasses);
        }, options.Warmup, options.Repeats);
        var prepare = Timing.Measure(() => cams.Prepare(image), options.Warmup, options.Repeats);
        return new CamBenchmarkResult(options, image.Width, image.Height, device.ToString(), total, prepare);
    }

    /// <summary>Times the eval-mode forward (no gradients) of a batch of random images, waiting for the device each time.</summary>
    public static ForwardBenchmarkResult RunForward(ForwardBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckRuns(options.Warmup, options.Repeats);
        if (options.BatchSize < 1) throw new ArgumentException($"--batch_size must be at least 1, got {options.BatchSize}");
        if (options.ImageSize < 16) throw new ArgumentException($"--image_size must be at least 16, got {options.ImageSize}");
        TorchRuntime.EnsureLoaded();
        var device = DataParallel<Classifier>.ParseDevices(options.Gpus)[0];
        using var model = Classifier.Create(options.Architecture, NormMode.Fix);
        model.to(device);
        model.eval();
        var generator = new Generator(0);
        using var batch = randn([options.BatchSize, 3, options.ImageSize, options.ImageSize], generator: generator).to(device);
        var timing = Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            model.forward(batch);
            if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        }, options.Warmup, options.Repeats);
        return new ForwardBenchmarkResult(options, device.ToString(), timing);
    }

    private static void CheckRuns(int warmup, int repeats)
    {
        if (warmup < 0) throw new ArgumentException($"--warmup must be at least 0, got {warmup}");
        if (repeats < 1) throw new ArgumentException($"--repeats must be at least 1, got {repeats}");
    }
}
