using PuzzleCam.Affinity;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Benchmarks;

/// <summary>Settings of <c>puzzlecam bench rw</c>: stage 5 for one image.</summary>
public sealed record RandomWalkBenchmarkOptions : BenchmarkOptions
{
    public int Width { get; init; } = 500;
    public int Height { get; init; } = 375;

    /// <summary>Classes walked (present in the image); the sparse walk's time is linear in it.</summary>
    public int Classes { get; init; } = 2;

    /// <summary>β, exp_times and the mode.</summary>
    public RandomWalkOptions Walk { get; init; } = new();

    /// <summary>Also time the edge map (AffinityNet forward of the image and its flip at 512²) with this backbone; null: the walk only.</summary>
    public string? Architecture { get; init; }


    internal void Validate()
    {
        if (Width < 1 || Height < 1) throw new BadInputException($"--width and --height must be at least 1, got {Width}x{Height}");
        if (Classes < 1 || Classes > 254) throw new BadInputException($"--classes must be in 1..254, got {Classes}");
        ValidateRuns();
        Walk.Validate();
    }
}

/// <summary>What <see cref="RandomWalkBenchmark.Run"/> measured: the walk with its upsampling, and the edge forward when asked.</summary>
public sealed record RandomWalkBenchmarkResult(RandomWalkBenchmarkOptions Options, Timing Walk, Timing? Edge)
{
    public override string ToString()
    {
        var o = Options;
        int h = (o.Height - 1) / RandomWalkPropagation.Stride + 1, w = (o.Width - 1) / RandomWalkPropagation.Stride + 1;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"rw {o.Walk.Mode.ToString().ToLowerInvariant()} {o.Width}x{o.Height} (walk {w}x{h}), {o.Classes} classes, beta {o.Walk.Beta}, exp_times {o.Walk.ExpTimes}: walk + upsample {Walk}");
        return Edge is null ? text : text + string.Create(CultureInfo.InvariantCulture, $"; edge ({o.Architecture}, image and flip): {Edge}");
    }
}

/// <summary>
/// Timing of stage 5's unit of work on synthetic inputs: Gaussian-blob CAMs at stride 4 and an edge map of a few
/// random soft lines; the work does not depend on the values.
/// </summary>
public static class RandomWalkBenchmark
{
    public static RandomWalkBenchmarkResult Run(RandomWalkBenchmarkOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Runtime.TorchRuntime.EnsureLoaded();
        int h = (options.Height - 1) / RandomWalkPropagation.Stride + 1, w = (options.Width - 1) / RandomWalkPropagation.Stride + 1;
        var cams = AffinityBenchmarks.SmoothCams(w, h, options.Classes, seed: 1);
        var edge = SyntheticEdge(w, h, seed: 2);
        int run = 0;
        var walk = Timing.Measure(() =>
        {
            using (var scope = NewDisposeScope())
            {
                var walked = RandomWalkPropagation.Propagate(cams.Values, cams.Classes, h, w, edge, options.Walk);
                RandomWalkPropagation.UpsampleAndNormalize(tensor(walked, [cams.Classes, 1, h, w]), options.Height, options.Width);
            }
            Runtime.NativeAllocator.Release();
            ResidentMemory.ReportEvery(options.ReportMemoryEvery, ++run - options.Warmup, "walk", report);
        }, options.Warmup, options.Repeats);
        Timing? edgeTiming = null;
        if (options.Architecture is not null)
        {
            using var model = AffinityNet.Create(options.Architecture, pathIndex: null);
            var inference = new RandomWalkInference(model, options.Walk);
            var image = AffinityBenchmarks.SyntheticImage(options.Width, options.Height);
            edgeTiming = Timing.Measure(() => inference.Edge(image).Dispose(), options.Warmup, options.Repeats);
        }
        return new RandomWalkBenchmarkResult(options, walk, edgeTiming);
    }

    /// <summary>Edge probabilities 0.02 + 0.95·max over 6 random lines of exp(−d²/1.5), d the distance to the line.</summary>
    internal static float[] SyntheticEdge(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var lines = Enumerable.Range(0, 6).Select(_ => (X: rng.NextDouble() * width, Y: rng.NextDouble() * height, Angle: rng.NextDouble() * Math.PI)).ToArray();
        var edge = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double best = 0;
                foreach (var (lx, ly, angle) in lines)
                {
                    double d = (x - lx) * Math.Sin(angle) - (y - ly) * Math.Cos(angle);
                    best = Math.Max(best, Math.Exp(-d * d / 1.5));
                }
                edge[y * width + x] = (float)(0.02 + 0.95 * best);
            }
        return edge;
    }
}
