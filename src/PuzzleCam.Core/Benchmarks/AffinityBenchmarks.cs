using PuzzleCam.Affinity;
using PuzzleCam.Crf;

namespace PuzzleCam.Benchmarks;

/// <summary>Settings of <c>puzzlecam bench affinity-step</c>: one stage-4 training step on random data.</summary>
public sealed record AffinityStepBenchmarkOptions : BenchmarkOptions
{
    public string Architecture { get; init; } = "resnet50";
    public int BatchSize { get; init; } = 2;

    /// <summary>Square crop side (512 in the reference); the affinity labels are at a quarter of it.</summary>
    public int ImageSize { get; init; } = 512;


    internal void Validate()
    {
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (ImageSize < 128 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a multiple of 16, at least 128, got {ImageSize}");
        ValidateRuns();
    }
}

/// <summary>Settings of <c>puzzlecam bench affinity-labels</c>: stage 3 for one image.</summary>
public sealed record AffinityLabelBenchmarkOptions : BenchmarkOptions
{
    /// <summary>JPEG or PNG image; null: a synthetic <see cref="Width"/>×<see cref="Height"/> image.</summary>
    public string? ImagePath { get; init; }

    public int Width { get; init; } = 500;
    public int Height { get; init; } = 375;

    /// <summary>CAM planes (20 = every VOC class present, the most work an image can need).</summary>
    public int Classes { get; init; } = 20;

    /// <summary>1: the two CRFs one after the other (sharing lattices); 2: side by side on two threads.</summary>
    public int Threads { get; init; } = 1;


    internal void Validate()
    {
        if (Width < 1 || Height < 1) throw new BadInputException($"--width and --height must be at least 1, got {Width}x{Height}");
        if (Classes < 1 || Classes > 254) throw new BadInputException($"--classes must be in 1..254, got {Classes}");
        if (Threads is not (1 or 2)) throw new BadInputException($"--threads must be 1 or 2, got {Threads}");
        ValidateRuns();
    }
}

/// <summary>Timings of the stage-3 and stage-4 units of work.</summary>
public static class AffinityBenchmarks
{
    /// <summary>
    /// One AffinityNet training step (forward with affinities, loss, backward, optimizer step) on random images and
    /// random label maps (blobs of a few classes on background, some ignore), with the path index of training
    /// (radius 10 on the quarter-size map). The pair labels are made once, outside the timing.
    /// </summary>
    public static Timing TrainingStep(AffinityStepBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Runtime.TorchRuntime.EnsureLoaded();
        manual_seed(0);
        int maskSize = options.ImageSize / 4;
        using var model = AffinityNet.Create(options.Architecture, new PathIndex(10, maskSize, maskSize));
        using var optimizer = AffinityTrainingStep.CreateOptimizer(model, 0.1, 1e-4, maxStep: 1_000_000);
        var step = new AffinityTrainingStep(model, optimizer);
        var images = randn(options.BatchSize, 3, options.ImageSize, options.ImageSize).DetachFromDisposeScope();
        var kinds = Enumerable.Range(0, options.BatchSize)
            .Select(b => step.Labels.Compute(new LabelMap(maskSize, maskSize, CrfBenchmark.BlobLabels(maskSize, maskSize, 4, b + 1).Select(v => v == 3 ? AffinityLabels.Ignore : v).ToArray())))
            .ToList();
        using var labels = step.Labels.Collate(kinds);
        int run = 0;
        var timing = Timing.Measure(() =>
        {
            step.Run(images, labels);
            Runtime.NativeAllocator.Release();
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, ++run - options.Warmup, "step", report);
        }, options.Warmup, options.Repeats);
        images.Dispose();
        return timing;
    }

    /// <summary>
    /// Stage 3 for one image: both threshold maps and their two label CRFs (t = 10) over smooth synthetic CAMs of
    /// <see cref="AffinityLabelBenchmarkOptions.Classes"/> classes, at the README thresholds. No file reading or writing.
    /// </summary>
    public static (Timing Timing, int Width, int Height) Labels(AffinityLabelBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var image = options.ImagePath is null ? SyntheticImage(options.Width, options.Height) : ImageCodec.ReadRgb(options.ImagePath);
        var cams = SmoothCams(image.Width, image.Height, options.Classes, seed: 1);
        var keys = Enumerable.Range(0, options.Classes + 1).Select(k => (long)k).ToArray();
        var crf = new DenseCrf();
        var bgCrf = options.Threads == 2 ? new DenseCrf() : null;
        var timing = Timing.Measure(() => AffinityLabels.Compute(cams, keys, image, AffinityLabelOptions.Readme, crf, bgCrf), options.Warmup, options.Repeats);
        return (timing, image.Width, image.Height);
    }

    /// <summary>The line <c>puzzlecam bench affinity-labels</c> prints.</summary>
    public static string Describe(AffinityLabelBenchmarkOptions options, (Timing Timing, int Width, int Height) result) =>
        string.Create(CultureInfo.InvariantCulture, $"affinity labels {result.Width}x{result.Height}, {options.Classes} classes, 2 label CRFs t={AffinityLabels.CrfIterations} on {options.Threads} thread(s): {result.Timing}");

    /// <summary>The golden vectors' image formula: v = floor(128 + 127 sin(0.21x + 0.13y + 2c + 0.004xy)).</summary>
    internal static RgbImage SyntheticImage(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    image.Pixels[(y * width + x) * 3 + c] = (byte)Math.Floor(128 + 127 * Math.Sin(0.21 * x + 0.13 * y + 2.0 * c + 0.004 * x * y));
        return image;
    }

    /// <summary>CAM-like maps in [0, 1]: per class a Gaussian blob at a random place, normalised to a maximum of 1.</summary>
    internal static ClassMaps SmoothCams(int width, int height, int classes, int seed)
    {
        var rng = new Random(seed);
        var values = new float[classes * height * width];
        for (int k = 0; k < classes; k++)
        {
            double cx = rng.NextDouble() * width, cy = rng.NextDouble() * height;
            double sx = (0.05 + 0.2 * rng.NextDouble()) * width, sy = (0.05 + 0.2 * rng.NextDouble()) * height;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double dx = (x - cx) / sx, dy = (y - cy) / sy;
                    values[(k * height + y) * width + x] = (float)Math.Exp(-0.5 * (dx * dx + dy * dy));
                }
        }
        return new ClassMaps(classes, height, width, values);
    }
}
