using System.Diagnostics;
using PuzzleCam.Classification;

namespace PuzzleCam.Benchmarks;

/// <summary>One stage-1 training step, or one eval forward, on random data: the unit of work of <c>puzzlecam bench train-step</c>.</summary>
public sealed record TrainStepBenchmarkOptions : BenchmarkOptions
{
    /// <summary>Two untimed steps (the first also allocates the optimizer's momentum buffers) and ten timed ones, a step being short.</summary>
    public TrainStepBenchmarkOptions()
    {
        Warmup = 2;
        Repeats = 10;
    }

    public string Architecture { get; init; } = "resnet50";
    public int BatchSize { get; init; } = 2;
    public int ImageSize { get; init; } = 256;
    public NormMode Mode { get; init; } = NormMode.Fix;

    /// <summary>Forward and backward of the images and their tiles, and the optimizer step (false: the baseline's step).</summary>
    public bool Puzzle { get; init; } = true;

    /// <summary>Time an eval-mode forward under no_grad instead of a training step.</summary>
    public bool ForwardOnly { get; init; }


    public string? Gpus { get; init; }
}

public static class TrainStepBenchmark
{
    public static Timing Run(TrainStepBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateRuns();
        Runtime.TorchRuntime.EnsureLoaded();
        var device = Devices.Parse(options.Gpus)[0];
        manual_seed(0);
        using var model = Classifier.Create(options.Architecture, options.Mode);
        model.to(device);
        var images = randn(options.BatchSize, 3, options.ImageSize, options.ImageSize, device: device).DetachFromDisposeScope();
        using var labelRate = 0.15.ToScalar();
        var labels = (rand(options.BatchSize, 20, device: device) < labelRate).to(float32).DetachFromDisposeScope();
        using var optimizer = new PolyOptimizer([new ParameterGroup(model.parameters().ToList(), 1e-3, 1e-4)], 1e-4, maxStep: 1_000_000);
        var losses = new PuzzleLossOptions { Alpha = 4 };
        if (options.ForwardOnly) model.eval(); else model.train();
        int step = 0;
        var timing = Timing.Measure(() =>
        {
            using (var scope = NewDisposeScope())
            {
                if (options.ForwardOnly)
                {
                    using var _ = no_grad();
                    model.forward(images).Features.sum().item<float>();
                }
                else
                {
                    optimizer.ZeroGrad();
                    var loss = options.Puzzle ? PuzzleStep.Run(model, images, labels, 4, losses, losses.Alpha).Terms.Total : PuzzleStep.Baseline(model, images, labels);
                    loss.backward();
                    optimizer.Step();
                    loss.item<float>();
                }
                if (device.type == DeviceType.CUDA) cuda.synchronize();
            }
            step++;
            Runtime.NativeAllocator.Release();
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, step - options.Warmup, "step", report);
        }, options.Warmup, options.Repeats);
        images.Dispose();
        labels.Dispose();
        return timing;
    }
}
