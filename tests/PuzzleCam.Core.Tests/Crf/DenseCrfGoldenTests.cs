using PuzzleCam.Crf;
using PuzzleCam.IO;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Crf;

/// <summary>
/// Parity with pydensecrf on case09: the label CRF of the affinity labels (fg and bg maps, t = 10) and of the
/// pseudo labels (t = 1 and t = 10), and the probability CRF of segmentation inference (t = 10).
/// </summary>
[Trait("Category", "Golden")]
public class DenseCrfGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case09_crf";

    public static TheoryData<string, int, string, string> LabelCases => new()
    {
        { "aff_fg_argmax.npy", 10, "aff_fg_crf_q.npy", "aff_fg_conf.npy" },
        { "aff_bg_argmax.npy", 10, "aff_bg_crf_q.npy", "aff_bg_conf.npy" },
        { "pseudo_argmax.npy", 1, "pseudo_crf1_q.npy", "pseudo_label_crf1.npy" },
        { "pseudo_argmax.npy", 10, "pseudo_crf10_q.npy", "pseudo_label_crf10.npy" },
    };

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void LabelCrfMatchesPydensecrf(string argmaxFile, int iterations, string qFile, string labelFile)
    {
        var image = LoadImage();
        var keys = GoldenData.Load(Case, "keys.npy").ToArray<long>();
        var argmax = GoldenData.Load(Case, argmaxFile);
        var expectedQ = GoldenData.Load(Case, qFile);
        var expectedLabels = GoldenData.Load(Case, labelFile).ToArray<byte>();
        Assert.Equal(new long[] { image.Height, image.Width }, argmax.Shape);
        Assert.Equal(new long[] { keys.Length, image.Height, image.Width }, expectedQ.Shape);

        var labels = Array.ConvertAll(argmax.ToArray<long>(), v => checked((byte)v));
        var q = new float[expectedQ.Count];
        var map = new byte[labels.Length];
        new DenseCrf().InferLabels(image, labels, keys.Length, new LabelCrfOptions { Iterations = iterations }, map, q);

        var mapped = Array.ConvertAll(map, v => (byte)keys[v]);
        Report(qFile, q, expectedQ.ToArray<float>(), mapped, expectedLabels);
    }

    [Fact]
    public void ProbabilityCrfMatchesPydensecrf()
    {
        var image = LoadImage();
        var probs = GoldenData.Load(Case, "seg_probs.npy");
        var expectedQ = GoldenData.Load(Case, "seg_crf_q.npy");
        var expectedLabels = GoldenData.Load(Case, "seg_crf_argmax.npy").ToArray<byte>();
        Assert.Equal(new long[] { image.Height, image.Width }, probs.Shape[1..]);

        var q = new float[expectedQ.Count];
        var map = new byte[image.Width * image.Height];
        new DenseCrf().InferProbabilities(image, probs.ToArray<float>(), new ProbabilityCrfOptions(), q, map);

        Report("seg_crf_q.npy", q, expectedQ.ToArray<float>(), map, expectedLabels);
    }

    private static RgbImage LoadImage()
    {
        var image = GoldenData.Load(Case, "image_u8.npy");
        Assert.Equal(3, image.Shape[2]);
        return new RgbImage((int)image.Shape[1], (int)image.Shape[0], image.ToArray<byte>());
    }

    private void Report(string name, float[] q, float[] expectedQ, byte[] labels, byte[] expectedLabels)
    {
        Assert.Equal(expectedQ.Length, q.Length);
        Assert.Equal(expectedLabels.Length, labels.Length);
        float maxError = 0;
        for (int i = 0; i < q.Length; i++) maxError = Math.Max(maxError, Math.Abs(q[i] - expectedQ[i]));
        int agree = labels.Zip(expectedLabels).Count(p => p.First == p.Second);
        double agreement = (double)agree / labels.Length;
        output.WriteLine(FormattableString.Invariant($"{name}: labels agree on {agree}/{labels.Length} pixels ({agreement:P3}), max |Q - golden| = {maxError:G4}"));
        Assert.True(agreement >= 0.995, $"{name}: label agreement {agreement:P3} < 99.5%");
        Assert.True(maxError <= 1e-2f, $"{name}: max Q error {maxError} > 1e-2");
    }
}
