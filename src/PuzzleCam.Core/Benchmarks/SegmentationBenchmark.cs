using System.Diagnostics;
using PuzzleCam.Data;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Benchmarks;

/// <summary>Settings of <c>puzzlecam bench seg-step</c>: one stage-7 training step on random data.</summary>
public sealed record SegmentationStepBenchmarkOptions : BenchmarkOptions
{
    /// <summary>Two untimed steps: the first of a training step also allocates the optimizer's momentum buffers.</summary>
    public SegmentationStepBenchmarkOptions() => Warmup = 2;

    public string Backbone { get; init; } = "resnet50";
    public int BatchSize { get; init; } = 2;
    public int ImageSize { get; init; } = 512;
    public NormMode Mode { get; init; } = NormMode.Fix;
    public bool UseGroupNorm { get; init; } = true;

    public string? Gpus { get; init; }
}

/// <summary>Settings of <c>puzzlecam bench seg-infer</c>: stage 8's work on one image.</summary>
public sealed record SegmentationInferenceBenchmarkOptions : BenchmarkOptions
{
    /// <summary>JPEG or PNG image to segment.</summary>
    public required string ImagePath { get; init; }

    public string Backbone { get; init; } = "resnet50";
    public NormMode Mode { get; init; } = NormMode.Fix;
    public bool UseGroupNorm { get; init; } = true;
    public IReadOnlyList<double> Scales { get; init; } = CamInferenceOptions.DefaultScales;

    /// <summary>CRF iterations, as <c>--iteration</c> of the inference (the reference's README: 10).</summary>
    public int CrfIterations { get; init; } = 10;

    /// <summary>Network weights; null: the backbone's own initial weights (they change no timing).</summary>
    public string? Checkpoint { get; init; }

    public string? Gpus { get; init; }
}

/// <summary>
/// What a stage-8 benchmark measured per image: <see cref="Total"/> (resizes and normalisation of every scale, the
/// forwards, resizes and sum of the logits, the softmax, the CRF and the argmax; no decoding or file writing) and its
/// parts: <see cref="Prepare"/> (the CPU share the runner overlaps with the previous image), <see cref="Network"/>
/// and <see cref="Crf"/>.
/// </summary>
public sealed record SegmentationInferenceBenchmarkResult(SegmentationInferenceBenchmarkOptions Options, int Width, int Height, string Device,
    Timing Total, Timing Prepare, Timing Network, Timing Crf)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seg-infer {Options.Backbone} ({(Options.UseGroupNorm ? "GN" : "BN")} head), {Width}x{Height}, scales {string.Join(",", Options.Scales.Select(CamInferenceOptions.FormatScale))} with flips, CRF t={Options.CrfIterations}, {Device}: {Total}; " +
        $"of which resize+normalize {Prepare.Median:F4} s, network {Network.Median:F4} s, CRF+argmax {Crf.Median:F4} s");
}

/// <summary>Timings of stage 7's and stage 8's units of work.</summary>
public static class SegmentationBenchmark
{
    /// <summary>One DeepLabv3+ training step: forward, cross-entropy ignoring 255, backward, the four-group SGD step.</summary>
    public static Timing RunTrainingStep(SegmentationStepBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateRuns();
        TorchRuntime.EnsureLoaded();
        var device = Devices.Parse(options.Gpus)[0];
        manual_seed(0);
        using var model = DeepLabV3Plus.Create(options.Backbone, options.Mode, options.UseGroupNorm);
        model.to(device);
        model.train();
        using var scope0 = NewDisposeScope();
        var images = randn(options.BatchSize, 3, options.ImageSize, options.ImageSize, device: device);
        var masks = randint(0, DeepLabV3Plus.DefaultClasses, [options.BatchSize, options.ImageSize, options.ImageSize], device: device);
        using var optimizer = new PolyOptimizer(ParameterGroups.Of(model).WithReferenceRates(0.007, 4e-5), 4e-5, maxStep: 1_000_000);
        int step = 0;
        return Timing.Measure(() =>
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.ZeroGrad();
                var loss = nn.functional.cross_entropy(model.forward(images), masks, ignore_index: VocClasses.Ignore);
                loss.backward();
                optimizer.Step();
                loss.item<float>();
                if (device.type == DeviceType.CUDA) cuda.synchronize();
            }
            step++;
            NativeAllocator.Release();
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, step - options.Warmup, "step", report);
        }, options.Warmup, options.Repeats);
    }

    /// <summary>Stage 8 on one image: every scale and its mirror through the network, the softmax, the CRF.</summary>
    public static SegmentationInferenceBenchmarkResult RunInference(SegmentationInferenceBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateRuns();
        if (options.CrfIterations < 0) throw new BadInputException($"--iteration must be at least 0, got {options.CrfIterations}");
        if (options.Scales.Count == 0) throw new BadInputException("--scales is empty");
        var image = ImageCodec.ReadRgb(options.ImagePath);
        TorchRuntime.EnsureLoaded();
        var device = Devices.Parse(options.Gpus)[0];
        using var model = DeepLabV3Plus.Create(options.Backbone, options.Mode, options.UseGroupNorm);
        if (options.Checkpoint is not null) model.LoadCheckpoint(options.Checkpoint);
        model.to(device);
        var predictor = new SegmentationPredictor(model, device, options.Scales, options.CrfIterations);
        var prepare = new List<double>();
        var network = new List<double>();
        var crf = new List<double>();
        int run = 0;
        var total = Timing.Measure(() =>
        {
            long start = Stopwatch.GetTimestamp();
            var inputs = predictor.Prepare(image);
            long prepared = Stopwatch.GetTimestamp();
            ClassMaps probabilities;
            using (var scope = NewDisposeScope()) probabilities = predictor.Probabilities(inputs);
            long networked = Stopwatch.GetTimestamp();
            predictor.Refine(image, probabilities);
            long refined = Stopwatch.GetTimestamp();
            run++;
            NativeAllocator.Release();
            int timed = run - options.Warmup;
            if (timed <= 0) return;
            prepare.Add(Stopwatch.GetElapsedTime(start, prepared).TotalSeconds);
            network.Add(Stopwatch.GetElapsedTime(prepared, networked).TotalSeconds);
            crf.Add(Stopwatch.GetElapsedTime(networked, refined).TotalSeconds);
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, timed, "run", report);
        }, options.Warmup, options.Repeats);
        return new SegmentationInferenceBenchmarkResult(options, image.Width, image.Height, device.ToString(), total, new Timing(prepare), new Timing(network), new Timing(crf));
    }
}
