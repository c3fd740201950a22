using System.Runtime.InteropServices;
using PuzzleCam.Core.Tests.Affinity;
using PuzzleCam.Core.Tests.Models;
using PuzzleCam.Models;
using PuzzleCam.RandomWalk;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.RandomWalk;

/// <summary>
/// Golden case 06: propagate_to_edge on the case-4 CAMs with the network's edge map and with a synthetic edge map,
/// the upsampling, in both walk modes; acceptance 5e-4 max|golden| as the golden README suggests for the walk.
/// </summary>
public class RandomWalkGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case06_affinitynet_resnet50";
    private const double WalkTolerance = 5e-4;

    private static float[] Values(string file) => GoldenData.Load(Case, file).ToFloatArray();

    [Fact]
    [Trait("Category", "Golden")]
    public void AffinitiesAndTransitionMatrixMatchReference()
    {
        var edge = GoldenData.Load(Case, "rw_edge.npy");
        int h = (int)edge.Shape[1], w = (int)edge.Shape[2];
        var affinities = new WalkAffinities(edge.ToArray<float>(), h, w, 5);
        using var scope = NewDisposeScope();
        // The reference's sparse affinities cover the padded map's source window, (h+1) x (w+2) from padded column 4;
        // image pixel (r, c) is window source r * (w+2) + c + 1. Every pair inside the image must match exactly.
        var sparse = GoldenData.Load(Case, "rw_sparse_aff.npy");
        Assert.Equal(affinities.Directions.Length, sparse.Shape[1]);
        var golden = sparse.ToArray<float>();
        long sources = sparse.Shape[2];
        int compared = 0;
        for (int d = 0; d < affinities.Directions.Length; d++)
        {
            var (dy, dx) = affinities.Directions[d];
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                {
                    if (!affinities.Inside(r + dy, c + dx)) continue;
                    Assert.Equal(golden[d * sources + r * (w + 2) + c + 1], affinities.At(d, r, c));
                    compared++;
                }
        }
        output.WriteLine($"{compared} pair affinities equal");
        var dense = tensor(affinities.Dense(), [h * w, h * w]);
        GoldenModel.AssertClose(Case, "rw_dense_aff.npy", dense, output);
        GoldenModel.AssertClose(Case, "rw_trans_mat.npy", RandomWalkPropagation.TransitionMatrix(dense, 10, 8), output, WalkTolerance);
    }

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData(RandomWalkMode.Sparse, "rw_edge.npy", "rw")]
    [InlineData(RandomWalkMode.Dense, "rw_edge.npy", "rw")]
    [InlineData(RandomWalkMode.Sparse, "rw_synth_edge.npy", "rw_synth")]
    [InlineData(RandomWalkMode.Dense, "rw_synth_edge.npy", "rw_synth")]
    public void WalkAndUpsamplingMatchReference(RandomWalkMode mode, string edgeFile, string prefix)
    {
        using var scope = NewDisposeScope();
        var cams = TensorIO.Golden(Case, "rw_cams_in.npy");
        var edge = TensorIO.Golden(Case, edgeFile);
        var walked = RandomWalkPropagation.Propagate(cams, edge, new RandomWalkOptions { Mode = mode });
        GoldenModel.AssertClose(Case, $"{prefix}_out.npy", walked, output, WalkTolerance);
        var image = GoldenData.Load(Case, "rw_image_u8.npy");
        var up = RandomWalkPropagation.UpsampleAndNormalize(walked, (int)image.Shape[0], (int)image.Shape[1]);
        GoldenModel.AssertClose(Case, $"{prefix}_up.npy", up, output, WalkTolerance);
        // The reference's own upsampling of its own walk, to isolate the upsampling from the walk.
        var goldenUp = RandomWalkPropagation.UpsampleAndNormalize(TensorIO.Golden(Case, $"{prefix}_out.npy"), (int)image.Shape[0], (int)image.Shape[1]);
        GoldenModel.AssertClose(Case, $"{prefix}_up.npy", goldenUp, output);
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void PseudoLabelsMatchReference()
    {
        var image = AffinityLabelsGoldenTests.LoadImage(Case, "rw_image_u8.npy");
        var keys = GoldenData.Load(Case, "rw_keys.npy").ToArray<long>();
        var walk = AffinityLabelsGoldenTests.LoadMaps(Case, "rw_up.npy");
        Assert.Equal(GoldenData.Load(Case, "pseudo_argmax_nocrf.npy").ToArray<long>().Select(v => (byte)v), PuzzleCam.Affinity.ThresholdLabels.Argmax(walk, 0.35f));
        var noCrf = PseudoLabels.Compute(walk, keys, image, PseudoLabelOptions.Readme with { CrfIterations = 0 });
        Assert.Equal(GoldenData.Load(Case, "pseudo_label_nocrf.npy").ToArray<byte>(), noCrf.Labels);
        var crf1 = PseudoLabels.Compute(walk, keys, image, PseudoLabelOptions.Readme);
        Assert.Equal(GoldenData.Load(Case, "pseudo_label_crf1.npy").ToArray<byte>(), crf1.Labels);
        var synth = PseudoLabels.Compute(AffinityLabelsGoldenTests.LoadMaps(Case, "rw_synth_up.npy"), keys, image, PseudoLabelOptions.Readme with { CrfIterations = 0 });
        Assert.Equal(GoldenData.Load(Case, "rw_synth_label_nocrf.npy").ToArray<byte>(), synth.Labels);
    }

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData(1, "pseudo_label_crf1.npy")]
    [InlineData(10, "pseudo_label_crf10.npy")]
    public void PseudoLabelsOfTheCrfCaseMatchReference(int iterations, string file)
    {
        const string crfCase = "case09_crf";
        var image = AffinityLabelsGoldenTests.LoadImage(crfCase, "image_u8.npy");
        var keys = GoldenData.Load(crfCase, "keys.npy").ToArray<long>();
        var cams = AffinityLabelsGoldenTests.LoadMaps(crfCase, "cams.npy");
        Assert.Equal(GoldenData.Load(crfCase, "pseudo_argmax.npy").ToArray<long>().Select(v => (byte)v), PuzzleCam.Affinity.ThresholdLabels.Argmax(cams, 0.35f));
        var labels = PseudoLabels.Compute(cams, keys, image, new PseudoLabelOptions { Threshold = 0.35, CrfIterations = iterations });
        Assert.Equal(GoldenData.Load(crfCase, file).ToArray<byte>(), labels.Labels);
    }

    [Fact]
    [Trait("Category", "Golden")]
    [Trait("Category", "Slow")]
    public void InferenceFromTheImageMatchesReference()
    {
        var reference = ReferenceConstructor.Read(Case);
        using var model = AffinityNet.Create(reference.Architecture, pathIndex: null);
        GoldenWeights.Fill(model);
        var image = AffinityLabelsGoldenTests.LoadImage(Case, "rw_image_u8.npy");
        var inference = new RandomWalkInference(model, new RandomWalkOptions());
        using var scope = NewDisposeScope();
        GoldenModel.AssertClose(Case, "rw_edge.npy", inference.Edge(image), output);
        var cam = AffinityLabelsGoldenTests.LoadMaps(Case, "rw_cams_in.npy");
        var rw = inference.Run(image, cam);
        GoldenModel.AssertClose(Case, "rw_up.npy", tensor(rw.Values, [rw.Classes, rw.Height, rw.Width]), output, WalkTolerance);
    }
}
