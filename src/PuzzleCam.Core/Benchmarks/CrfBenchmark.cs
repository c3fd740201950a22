using PuzzleCam.Crf;

namespace PuzzleCam.Benchmarks;

/// <summary>Which of the reference's two CRFs a benchmark runs.</summary>
public enum CrfKind
{
    /// <summary><c>crf_inference_label</c> (affinity and pseudo labels).</summary>
    Label,

    /// <summary><c>crf_inference</c> (segmentation inference).</summary>
    Probability,
}

/// <summary>Settings of <c>puzzlecam bench crf</c>.</summary>
public sealed record CrfBenchmarkOptions : BenchmarkOptions
{
    /// <summary>JPEG or PNG image the CRF runs on.</summary>
    public required string ImagePath { get; init; }

    /// <summary>Number of labels n (21 = the VOC classes with background).</summary>
    public int Labels { get; init; } = 21;

    /// <summary>Mean-field iterations t.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>The label CRF or the probability CRF, with the reference's kernels for each.</summary>
    public CrfKind Kind { get; init; } = CrfKind.Label;

    /// <summary>CRFs run at the same time, one per thread, each single-threaded (1 = latency of one CRF).</summary>
    public int Threads { get; init; } = 1;



    /// <summary>Seed of the synthetic label map or scores.</summary>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        if (Labels < 2 || Labels > 256) throw new BadInputException($"--labels must be in [2, 256], got {Labels}");
        if (Iterations < 0) throw new BadInputException($"--iterations must be at least 0, got {Iterations}");
        if (Threads < 1) throw new BadInputException($"--threads must be at least 1, got {Threads}");
        ValidateRuns();
    }
}

/// <summary>What a CRF benchmark measured: wall time per run, where a run is <c>Threads</c> CRFs side by side.</summary>
public sealed record CrfBenchmarkResult(CrfBenchmarkOptions Options, int Width, int Height, Timing Timing)
{
    /// <summary>CRFs finished per second at the median run time.</summary>
    public double ImagesPerSecond => Options.Threads / Timing.Median;

    public override string ToString()
    {
        var o = Options;
        string kind = o.Kind == CrfKind.Label ? "label" : "prob";
        string threads = o.Threads == 1 ? "1 thread" : $"{o.Threads} threads, {o.Threads} images at once";
        return FormattableString.Invariant(
            $"crf {kind} t={o.Iterations}, {o.Labels} labels, {Width}x{Height}, {threads}: {Timing}; {ImagesPerSecond:F2} images/s");
    }
}

/// <summary>
/// Times the dense CRF on one image with deterministic synthetic inputs: for the label CRF a map of elliptic
/// blobs of several labels on background 0, for the probability CRF a softmax of smooth random scores.
/// Each run makes <see cref="CrfBenchmarkOptions.Threads"/> CRFs at once, one per thread with its own
/// <see cref="DenseCrf"/>, so with N threads the median is the time of N images processed side by side and
/// images/s is the throughput on N cores. Every CRF rebuilds its lattices (each thread alternates between the
/// image and its mirror), as for a new image in the pipeline.
/// </summary>
public static class CrfBenchmark
{
    public static CrfBenchmarkResult Run(CrfBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var image = ImageCodec.ReadRgb(options.ImagePath);
        RgbImage[] images = [image, Mirror(image)];
        int w = image.Width, h = image.Height;
        var labels = options.Kind == CrfKind.Label ? BlobLabels(w, h, options.Labels, options.Seed) : [];
        var probabilities = options.Kind == CrfKind.Probability ? SmoothProbabilities(w, h, options.Labels, options.Seed) : [];
        var labelOptions = new LabelCrfOptions { Iterations = options.Iterations };
        var probabilityOptions = new ProbabilityCrfOptions { Iterations = options.Iterations };

        var engines = new DenseCrf[options.Threads];
        var outputs = new byte[options.Threads][];
        var marginals = new float[options.Threads][];
        for (int k = 0; k < options.Threads; k++)
        {
            engines[k] = new DenseCrf();
            outputs[k] = new byte[w * h];
            marginals[k] = options.Kind == CrfKind.Probability ? new float[probabilities.Length] : [];
        }
        int run = 0;
        void One(int k)
        {
            var img = images[(run + k) & 1];
            if (options.Kind == CrfKind.Label)
                engines[k].InferLabels(img, labels, options.Labels, labelOptions, outputs[k], default);
            else
                engines[k].InferProbabilities(img, probabilities, probabilityOptions, marginals[k], outputs[k]);
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads };
        var timing = Timing.Measure(() =>
        {
            if (options.Threads == 1) One(0);
            else Parallel.For(0, options.Threads, parallel, One);
            run++;
        }, options.Warmup, options.Repeats);
        return new CrfBenchmarkResult(options, w, h, timing);
    }

    /// <summary>Background 0 with overlapping elliptic blobs of labels 1..n−1 (two blobs per label, at most 24).</summary>
    internal static byte[] BlobLabels(int width, int height, int labels, int seed)
    {
        var rng = new Random(seed);
        var map = new byte[width * height];
        int blobs = Math.Min(24, 2 * (labels - 1));
        for (int b = 0; b < blobs; b++)
        {
            byte label = (byte)(1 + b % (labels - 1));
            double cx = rng.NextDouble() * width, cy = rng.NextDouble() * height;
            double rx = (0.05 + 0.2 * rng.NextDouble()) * width, ry = (0.05 + 0.2 * rng.NextDouble()) * height;
            for (int y = 0; y < height; y++)
            {
                double dy = (y - cy) / ry;
                for (int x = 0; x < width; x++)
                {
                    double dx = (x - cx) / rx;
                    if (dx * dx + dy * dy <= 1) map[y * width + x] = label;
                }
            }
        }
        return map;
    }

    /// <summary>Softmax over labels of scores that are sums of three random plane waves per label (n×H×W).</summary>
    internal static float[] SmoothProbabilities(int width, int height, int labels, int seed)
    {
        var rng = new Random(seed);
        int pixels = width * height;
        var scores = new float[labels * pixels];
        for (int c = 0; c < labels; c++)
        {
            for (int wave = 0; wave < 3; wave++)
            {
                double fx = 0.005 + 0.045 * rng.NextDouble(), fy = 0.005 + 0.045 * rng.NextDouble();
                double phase = 2 * Math.PI * rng.NextDouble(), amplitude = 1.5 * rng.NextDouble();
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                        scores[c * pixels + y * width + x] += (float)(amplitude * Math.Sin(fx * x + fy * y + phase));
            }
        }
        for (int i = 0; i < pixels; i++)
        {
            float max = float.NegativeInfinity;
            for (int c = 0; c < labels; c++) max = Math.Max(max, scores[c * pixels + i]);
            float sum = 0;
            for (int c = 0; c < labels; c++) sum += scores[c * pixels + i] = MathF.Exp(scores[c * pixels + i] - max);
            for (int c = 0; c < labels; c++) scores[c * pixels + i] /= sum;
        }
        return scores;
    }

    private static RgbImage Mirror(RgbImage image)
    {
        var mirrored = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                image.Pixels.AsSpan((y * image.Width + x) * 3, 3).CopyTo(mirrored.Pixels.AsSpan((y * image.Width + image.Width - 1 - x) * 3, 3));
        return mirrored;
    }
}
