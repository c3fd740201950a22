using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.IO;

// Formatters are process-wide (Formatter.Register), and the kernel tests replace them: run the classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace PuzzleCam.Interactive.Tests;

/// <summary>Realistic inputs for the formatters: a small synthetic dataset, CAM-like maps made from its masks, reports.</summary>
internal static class Fixtures
{
    private static readonly Lazy<(VocDataset Train, VocDataset Val, SyntheticSummary Summary)> Data = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"puzzlecam-interactive-tests-{Environment.ProcessId}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (Directory.Exists(dir)) Directory.Delete(dir, true); };
        var summary = SyntheticVocDataset.Generate(dir, new SyntheticOptions { Train = 8, Val = 6, Size = 96, Seed = 3 });
        return (VocDataset.Open(dir, ImageListSource.FromDomain("train_aug")), VocDataset.Open(dir, ImageListSource.FromDomain("val")), summary);
    });

    public static SyntheticSummary Summary => Data.Value.Summary;

    public static VocDataset Val => Data.Value.Val;

    public static VocSample Sample(int index = 0) => Val.Read(Val.Ids[index]);

    /// <summary>The validation sample with the most classes, so that views of several classes have something to show.</summary>
    public static VocSample Richest() => Val.Ids.Select(id => Val.Read(id)).MaxBy(s => s.Tags.Count(t => t > 0))!;

    /// <summary>
    /// CAM-like maps for the classes of the sample's tags: each class's mask, blurred and squared, so the maps peak
    /// inside the object and fade past its edge as CAMs do. <paramref name="blur"/> is the box radius in pixels.
    /// </summary>
    public static CamFile Cams(VocSample sample, int blur = 4)
    {
        var mask = sample.Mask!;
        var classes = Enumerable.Range(0, VocClasses.Count).Where(c => sample.Tags[c] > 0).ToList();
        int plane = mask.Width * mask.Height;
        var values = new float[classes.Count * plane];
        for (int k = 0; k < classes.Count; k++)
        {
            var indicator = mask.Labels.Select(v => v == classes[k] + 1 ? 1f : 0f).ToArray();
            var blurred = BoxBlur(indicator, mask.Width, mask.Height, blur);
            float max = Math.Max(1e-5f, blurred.Max());
            for (int i = 0; i < plane; i++) values[k * plane + i] = MathF.Pow(blurred[i] / max, 2);
        }
        var keys = new long[] { 0 }.Concat(classes.Select(c => (long)c + 1)).ToArray();
        return new CamFile(keys, HighResCam: new ClassMaps(classes.Count, mask.Height, mask.Width, values));
    }

    /// <summary>
    /// CAMs that found only the middle of each object, as a classifier that learned the telling part does: each class's
    /// mask times a narrow bump around the object's centre.
    /// </summary>
    public static CamFile CoreCams(VocSample sample, double sigma = 5)
    {
        var mask = sample.Mask!;
        var classes = Enumerable.Range(0, VocClasses.Count).Where(c => sample.Tags[c] > 0).ToList();
        int plane = mask.Width * mask.Height;
        var values = new float[classes.Count * plane];
        for (int k = 0; k < classes.Count; k++)
        {
            var inside = Enumerable.Range(0, plane).Where(i => mask.Labels[i] == classes[k] + 1).ToList();
            if (inside.Count == 0) continue;
            double cy = inside.Average(i => i / mask.Width), cx = inside.Average(i => i % mask.Width);
            foreach (var i in inside)
            {
                double dy = i / mask.Width - cy, dx = i % mask.Width - cx;
                values[k * plane + i] = (float)Math.Exp(-(dy * dy + dx * dx) / (2 * sigma * sigma));
            }
        }
        var keys = new long[] { 0 }.Concat(classes.Select(c => (long)c + 1)).ToArray();
        return new CamFile(keys, HighResCam: new ClassMaps(classes.Count, mask.Height, mask.Width, values));
    }

    /// <summary>The first validation sample with exactly <paramref name="classes"/> classes (else the richest).</summary>
    public static VocSample WithClasses(int classes) =>
        Val.Ids.Select(id => Val.Read(id)).FirstOrDefault(s => s.Tags.Count(t => t > 0) == classes) ?? Richest();

    /// <summary>An evaluation of <see cref="Cams"/> over the validation split, swept over the CAM thresholds.</summary>
    public static EvaluationReport Report(int blur)
    {
        var sweep = ThresholdSweep.ForCams();
        foreach (var id in Val.Ids)
        {
            var sample = Val.Read(id);
            var cams = Cams(sample, blur);
            sweep.Add(cams.HighResCam!, cams.Keys, sample.Mask!);
        }
        var results = sweep.Results();
        int best = ThresholdSweep.BestIndex(results);
        return EvaluationReport.From(sweep.CountsAt(best), $"cams-blur{blur}", Val.Root, "npz", Val.Count, Val.Count, false, results[best].Threshold, results);
    }

    /// <summary>
    /// An edge map like AffinityNet's for the sample, made from its mask: high in the stride-4 cells where labels meet
    /// (or the mask's ignored border lies), low elsewhere, softened over the neighbouring cells.
    /// </summary>
    public static EdgeMap Edges(VocSample sample)
    {
        var mask = sample.Mask!;
        int s = RandomWalk.RandomWalkPropagation.Stride, h = (mask.Height - 1) / s + 1, w = (mask.Width - 1) / s + 1;
        var hard = new float[h * w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                var labels = new HashSet<byte>();
                for (int y = r * s; y < Math.Min(mask.Height, (r + 1) * s); y++)
                    for (int x = c * s; x < Math.Min(mask.Width, (c + 1) * s); x++) labels.Add(mask[y, x]);
                hard[r * w + c] = labels.Count > 1 || labels.Contains(VocClasses.Ignore) ? 0.9f : 0.03f;
            }
        var soft = BoxBlur(hard, w, h, 1);
        return new EdgeMap(h, w, hard.Select((v, i) => 0.6f * v + 0.4f * soft[i] / 9).ToArray());
    }

    /// <summary>The CAM file's image-size maps sampled at the stride-4 cell centres: the <c>cam</c> array the random walk starts from.</summary>
    public static ClassMaps StrideCams(CamFile cams)
    {
        var full = cams.HighResCam!;
        int s = RandomWalk.RandomWalkPropagation.Stride, h = (full.Height - 1) / s + 1, w = (full.Width - 1) / s + 1;
        var values = new float[full.Classes * h * w];
        for (int k = 0; k < full.Classes; k++)
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                    values[(k * h + r) * w + c] = full.Values[(k * full.Height + Math.Min(full.Height - 1, r * s + 1)) * full.Width + Math.Min(full.Width - 1, c * s + 1)];
        return new ClassMaps(full.Classes, h, w, values);
    }

    public static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                image.Pixels[i] = (byte)(255 * x / Math.Max(1, width - 1));
                image.Pixels[i + 1] = (byte)(255 * y / Math.Max(1, height - 1));
                image.Pixels[i + 2] = 128;
            }
        return image;
    }

    private static float[] BoxBlur(float[] values, int width, int height, int radius)
    {
        var horizontal = new float[values.Length];
        var result = new float[values.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int d = -radius; d <= radius; d++) sum += values[y * width + Math.Clamp(x + d, 0, width - 1)];
                horizontal[y * width + x] = sum;
            }
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int d = -radius; d <= radius; d++) sum += horizontal[Math.Clamp(y + d, 0, height - 1) * width + x];
                result[y * width + x] = sum;
            }
        return result;
    }
}

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PuzzleCam.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no PuzzleCam.sln above {AppContext.BaseDirectory}");
    }
}
