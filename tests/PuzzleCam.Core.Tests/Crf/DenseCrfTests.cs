using PuzzleCam.Experiments;
using PuzzleCam.Crf;
using PuzzleCam.IO;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Crf;

public class DenseCrfTests(ITestOutputHelper output)
{
    private static RgbImage RandomImage(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        // Two colour regions with noise, so the bilateral kernel has edges to respect.
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    image.Pixels[(y * width + x) * 3 + c] = (byte)Math.Clamp((x < width / 2 ? 60 : 190) + 40 * c + rng.Next(-12, 13), 0, 255);
        return image;
    }

    private static float[] RandomProbabilities(int labels, int pixels, int seed)
    {
        var rng = new Random(seed);
        var p = new float[labels * pixels];
        for (int i = 0; i < pixels; i++)
        {
            double sum = 0;
            for (int c = 0; c < labels; c++) sum += p[c * pixels + i] = (float)Math.Exp(3 * rng.NextDouble());
            for (int c = 0; c < labels; c++) p[c * pixels + i] = (float)(p[c * pixels + i] / sum);
        }
        return p;
    }

    /// <summary>
    /// Mean field written plainly on top of the lattice's scalar filter, as the reference states it:
    /// Q ← softmax(−U + Σ_k w_k · norm_k ⊙ K_k(norm_k ⊙ Q)).
    /// </summary>
    private static float[] NaiveMeanField(RgbImage image, float[] unary, int labels, CrfKernels kernels, int iterations)
    {
        int w = image.Width, h = image.Height, n = w * h;
        var gf = new float[2 * n];
        var bf = new float[5 * n];
        for (int y = 0, i = 0; y < h; y++)
            for (int x = 0; x < w; x++, i++)
            {
                gf[2 * i] = x / kernels.GaussianSxy;
                gf[2 * i + 1] = y / kernels.GaussianSxy;
                bf[5 * i] = x / kernels.BilateralSxy;
                bf[5 * i + 1] = y / kernels.BilateralSxy;
                for (int c = 0; c < 3; c++) bf[5 * i + 2 + c] = image.Pixels[3 * i + c] / kernels.BilateralSrgb;
            }
        var lattices = new (PermutohedralLattice Lattice, float[] Norm, float Compat)[2];
        lattices[0] = (new PermutohedralLattice(), new float[n], kernels.GaussianCompat);
        lattices[0].Lattice.Build(gf, 2, n);
        lattices[1] = (new PermutohedralLattice(), new float[n], kernels.BilateralCompat);
        lattices[1].Lattice.Build(bf, 5, n);
        foreach (var (lattice, norm, _) in lattices) lattice.SymmetricNorm(norm);

        var q = new float[n * labels];
        var logits = new float[n * labels];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < labels; c++) logits[i * labels + c] = -unary[c * n + i];
        Softmax(logits, q, labels);
        var scaled = new float[n * labels];
        var filtered = new float[n * labels];
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < n; i++)
                for (int c = 0; c < labels; c++) logits[i * labels + c] = -unary[c * n + i];
            foreach (var (lattice, norm, compat) in lattices)
            {
                for (int i = 0; i < n * labels; i++) scaled[i] = q[i] * norm[i / labels];
                lattice.Filter(scaled, filtered, labels);
                for (int i = 0; i < n * labels; i++) logits[i] += compat * norm[i / labels] * filtered[i];
            }
            Softmax(logits, q, labels);
        }
        var planar = new float[n * labels];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < labels; c++) planar[c * n + i] = q[i * labels + c];
        return planar;
    }

    private static void Softmax(float[] logits, float[] q, int labels)
    {
        for (int i = 0; i < logits.Length; i += labels)
        {
            float max = logits.AsSpan(i, labels).ToArray().Max();
            float sum = 0;
            for (int c = 0; c < labels; c++) sum += q[i + c] = MathF.Exp(logits[i + c] - max);
            for (int c = 0; c < labels; c++) q[i + c] /= sum;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(21)]
    public void MatchesAPlainMeanFieldOnTheLattice(int labels)
    {
        var image = RandomImage(23, 17, labels);
        int n = image.Width * image.Height;
        var probs = RandomProbabilities(labels, n, 10 + labels);
        var options = new ProbabilityCrfOptions { Iterations = 4 };
        var q = new DenseCrf().InferProbabilities(image, probs, options);
        var unary = probs.Select(p => -MathF.Log(Math.Clamp(p, options.Clip, 1f))).ToArray();
        var expected = NaiveMeanField(image, unary, labels, options.Kernels, options.Iterations);
        for (int i = 0; i < q.Length; i++) Assert.Equal(expected[i], q[i], 1e-5);
    }

    [Fact]
    public void ZeroIterationsGiveTheSoftmaxOfTheLabelUnary()
    {
        var image = RandomImage(9, 7, 1);
        int n = image.Width * image.Height, labels = 5;
        var map = Enumerable.Range(0, n).Select(i => (byte)(i % labels)).ToArray();
        var q = new float[labels * n];
        var argmax = new byte[n];
        new DenseCrf().InferLabels(image, map, labels, new LabelCrfOptions { Iterations = 0 }, argmax, q);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < labels; c++)
                Assert.Equal(c == map[i] ? 0.7f : 0.3f / (labels - 1), q[c * n + i], 6);
        Assert.Equal(map, argmax);
    }

    [Fact]
    public void MarginalsSumToOneAndArgmaxMatchesThem()
    {
        var image = RandomImage(31, 19, 2);
        int n = image.Width * image.Height, labels = 6;
        var probs = RandomProbabilities(labels, n, 3);
        var q = new float[labels * n];
        var argmax = new byte[n];
        new DenseCrf().InferProbabilities(image, probs, new ProbabilityCrfOptions(), q, argmax);
        for (int i = 0; i < n; i++)
        {
            float sum = 0;
            int best = 0;
            for (int c = 0; c < labels; c++)
            {
                sum += q[c * n + i];
                if (q[c * n + i] > q[best * n + i]) best = c;
            }
            Assert.Equal(1f, sum, 5);
            Assert.Equal(best, argmax[i]);
        }
    }

    [Fact]
    public void IsolatedWrongLabelsInAUniformRegionAreCorrected()
    {
        var image = new RgbImage(40, 30);
        Array.Fill(image.Pixels, (byte)128);
        var map = new byte[40 * 30];
        Array.Fill(map, (byte)1);
        map[15 * 40 + 20] = 2;
        map[5 * 40 + 7] = 0;
        var result = new DenseCrf().InferLabels(image, map, 3, new LabelCrfOptions());
        Assert.All(result, v => Assert.Equal(1, v));
    }

    [Fact]
    public void ReusingAnEngineGivesTheSameResultsAsAFreshOne()
    {
        var a = RandomImage(20, 16, 4);
        var b = RandomImage(20, 16, 5);
        int n = 20 * 16;
        var map = Enumerable.Range(0, n).Select(i => (byte)((i / 7) % 3)).ToArray();
        var probs = RandomProbabilities(9, n, 6);
        var engine = new DenseCrf();
        engine.InferProbabilities(a, probs);
        engine.InferLabels(b, map, 3);
        var reusedLabels = engine.InferLabels(a, map, 3);
        var reusedQ = engine.InferProbabilities(a, probs);
        Assert.Equal(new DenseCrf().InferLabels(a, map, 3), reusedLabels);
        Assert.Equal(new DenseCrf().InferProbabilities(a, probs), reusedQ);

        // The same image object with changed pixels must not reuse the old lattices.
        var before = engine.InferProbabilities(a, probs);
        Array.Copy(b.Pixels, a.Pixels, a.Pixels.Length);
        Assert.NotEqual(before, engine.InferProbabilities(a, probs));
        Assert.Equal(new DenseCrf().InferProbabilities(b, probs), engine.InferProbabilities(a, probs));
    }

    [Fact]
    public void PerImageLoopRunsEveryImageWithOneEnginePerWorker()
    {
        var images = Enumerable.Range(0, 12).Select(s => RandomImage(18, 14, 100 + s)).ToArray();
        int n = 18 * 14;
        var map = Enumerable.Range(0, n).Select(i => (byte)(i % 4)).ToArray();
        var results = new byte[images.Length][];
        var ids = Enumerable.Range(0, images.Length).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        PerImageStage.ForEach(ids, () => new DenseCrf(), (crf, id) => { int k = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture); results[k] = crf.InferLabels(images[k], map, 4); }, workers: 3);
        for (int k = 0; k < images.Length; k++) Assert.Equal(new DenseCrf().InferLabels(images[k], map, 4), results[k]);
        Assert.Throws<ArgumentOutOfRangeException>(() => PerImageStage.ForEach(ids, () => 0, (_, _) => { }, workers: 0));
    }

    [Fact]
    public void BadArgumentsNameWhatIsWrong()
    {
        var image = RandomImage(8, 6, 7);
        var map = new byte[48];
        var crf = new DenseCrf();
        map[10] = 3;
        Assert.Contains("label 3 at pixel 10", Assert.Throws<ArgumentException>(() => crf.InferLabels(image, map, 3)).Message);
        Assert.Throws<ArgumentException>(() => crf.InferLabels(image, new byte[47], 3));
        Assert.Throws<ArgumentException>(() => crf.InferLabels(image, new byte[48], 0));
        Assert.Equal("GtProb", Assert.Throws<ArgumentException>(() => crf.InferLabels(image, new byte[48], 3, new LabelCrfOptions { GtProb = 1 })).ParamName);
        Assert.Equal("Iterations", Assert.Throws<ArgumentException>(() => crf.InferLabels(image, new byte[48], 3, new LabelCrfOptions { Iterations = -1 })).ParamName);
        Assert.Equal("BilateralSrgb", Assert.Throws<ArgumentException>(() =>
            crf.InferProbabilities(image, new float[96], new ProbabilityCrfOptions { Kernels = CrfKernels.Probability with { BilateralSrgb = 0 } })).ParamName);
        Assert.Throws<ArgumentException>(() => crf.InferProbabilities(image, new float[95]));
        Assert.Throws<ArgumentException>(() => crf.InferProbabilities(image, new float[96], new ProbabilityCrfOptions(), new float[10], default));
    }

    [Fact]
    public void ReferenceDefaults()
    {
        var label = new LabelCrfOptions();
        Assert.Equal((10, 0.7), (label.Iterations, label.GtProb));
        Assert.Equal((3f, 3f, 50f, 5f, 10f), (label.Kernels.GaussianSxy, label.Kernels.GaussianCompat, label.Kernels.BilateralSxy, label.Kernels.BilateralSrgb, label.Kernels.BilateralCompat));
        var prob = new ProbabilityCrfOptions();
        Assert.Equal((10, 1e-5f), (prob.Iterations, prob.Clip));
        Assert.Equal((3f, 3f, 80f, 13f, 10f), (prob.Kernels.GaussianSxy, prob.Kernels.GaussianCompat, prob.Kernels.BilateralSxy, prob.Kernels.BilateralSrgb, prob.Kernels.BilateralCompat));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MemoryStaysFlatOverManyRuns()
    {
        var images = new[] { RandomImage(16, 12, 8), RandomImage(16, 12, 9) };
        int n = 16 * 12;
        var map = Enumerable.Range(0, n).Select(i => (byte)((i / 5) % 4)).ToArray();
        var probs = RandomProbabilities(21, n, 10);
        var engine = new DenseCrf();
        var q = new float[probs.Length];
        var labels = new byte[n];
        void Run(int k)
        {
            engine.InferLabels(images[k & 1], map, 4, new LabelCrfOptions { Iterations = 2 }, labels, default);
            engine.InferProbabilities(images[k & 1], probs, new ProbabilityCrfOptions { Iterations = 2 }, q, labels);
            new DenseCrf().InferLabels(images[k & 1], map, 4, new LabelCrfOptions { Iterations = 1 });
        }
        // Warm-up until tiered compilation has settled: it allocates a few hundred KB once, within the first
        // few hundred runs.
        for (int k = 0; k < 1000; k++) Run(k);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int k = 0; k < 1000; k++) Run(k);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"managed memory {before} -> {after} bytes over 1,000 runs");

        // A reused engine allocates nothing per image once its buffers fit, even when the lattice sizes alternate.
        var labelOptions = new LabelCrfOptions { Iterations = 2 };
        var probabilityOptions = new ProbabilityCrfOptions { Iterations = 2 };
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
        {
            engine.InferLabels(images[k & 1], map, 4, labelOptions, labels, default);
            engine.InferProbabilities(images[k & 1], probs, probabilityOptions, q, labels);
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"reused engine: {allocated} bytes allocated over 200 CRFs");
        Assert.True(allocated < 200 * 64, $"a reused engine allocated {allocated} bytes over 200 CRFs");
        Assert.True(after - before < 256 * 1024, $"managed memory grew by {after - before} bytes over 1,000 runs");
    }
}
