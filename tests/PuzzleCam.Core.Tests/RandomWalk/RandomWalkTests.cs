using PuzzleCam.Affinity;
using PuzzleCam.Models;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Core.Tests.RandomWalk;

public class RandomWalkTests
{
    private static (float[] Cams, float[] Edge) RandomInputs(int classes, int h, int w, int seed)
    {
        var rng = new Random(seed);
        var cams = new float[classes * h * w];
        for (int i = 0; i < cams.Length; i++) cams[i] = (float)rng.NextDouble();
        var edge = new float[h * w];
        for (int i = 0; i < edge.Length; i++) edge[i] = (float)Math.Pow(rng.NextDouble(), 3);
        return (cams, edge);
    }

    [Theory]
    [InlineData(3, 7, 9, 8)]
    [InlineData(2, 12, 5, 4)]
    [InlineData(1, 1, 1, 3)]
    [InlineData(2, 6, 17, 0)]
    public void SparseEqualsDense(int classes, int h, int w, int expTimes)
    {
        var (cams, edge) = RandomInputs(classes, h, w, h * 31 + w);
        var options = new RandomWalkOptions { ExpTimes = expTimes, Beta = 3 };
        var sparse = RandomWalkPropagation.Propagate(cams, classes, h, w, edge, options);
        var dense = RandomWalkPropagation.Propagate(cams, classes, h, w, edge, options with { Mode = RandomWalkMode.Dense });
        double scale = dense.Max(v => Math.Abs(v));
        for (int i = 0; i < dense.Length; i++) Assert.True(Math.Abs(sparse[i] - dense[i]) <= 1e-4 * scale, $"{i}: sparse {sparse[i]}, dense {dense[i]}");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    public void SearchPathsAreThePathIndexsPathsInItsOrder(int radius)
    {
        var index = new PathIndex(radius, 2 * radius + 1, 2 * radius + 1);
        var expected = index.Groups.SelectMany(g => g.Paths).ToList();
        var actual = PathIndex.SearchPaths(radius);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
        Assert.Equal(index.Destinations, actual.Select(p => p[0]));
    }

    [Fact]
    public void NoClassesGiveNoMaps()
    {
        Assert.Empty(RandomWalkPropagation.Propagate([], 0, 3, 4, new float[12], new RandomWalkOptions()));
        using var up = RandomWalkPropagation.UpsampleAndNormalize(TorchSharp.torch.zeros(0, 1, 3, 4), 10, 14);
        Assert.Equal(new long[] { 0, 10, 14 }, up.shape);
    }

    [Theory]
    [InlineData(0, 8, "--beta")]
    [InlineData(10, -1, "--exp_times")]
    [InlineData(10, 17, "--exp_times")]
    public void OptionsNameTheBadFlag(int beta, int expTimes, string flag)
    {
        var error = Assert.Throws<BadInputException>(() => new RandomWalkOptions { Beta = beta, ExpTimes = expTimes }.Validate());
        Assert.StartsWith(flag, error.Message);
    }

    [Theory]
    [InlineData(375, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 528)]
    [InlineData(600, 608)]
    public void EdgeCanvasIs512OrTheNextMultipleOf16(int side, int canvas) =>
        Assert.Equal(canvas, AffinityNet.EdgeCanvasSide(side));

    [Theory]
    [InlineData(128, 128, 128)]
    [InlineData(128, 16, 128)]
    [InlineData(100, 16, 112)]
    [InlineData(160, 128, 160)]
    public void ASmallerEdgeCanvasPadsToItOrTheNextMultipleOf16(int side, int canvas, int padded) =>
        Assert.Equal(padded, AffinityNet.EdgeCanvasSide(side, canvas));

    [Theory]
    [InlineData(15)]
    [InlineData(8193)]
    public void AnEdgeCanvasOutOfRangeNamesItsFlag(int canvas)
    {
        var error = Assert.Throws<BadInputException>(() => new RandomWalkOptions { EdgeCanvas = canvas }.Validate());
        Assert.StartsWith("--edge_canvas", error.Message);
    }

    [Fact]
    public void TheEdgeMapHasTheImagesStrideFourShapeOnAnyCanvas()
    {
        // A 64-px image: the reference pads it to 512 before the network, the small canvas to 64. The network sees
        // other padding, so the maps may differ, but both cover the image at stride 4 with probabilities.
        using var model = AffinityNet.Create("resnet18", pathIndex: null);
        var image = new PuzzleCam.IO.RgbImage(64, 64);
        new Random(3).NextBytes(image.Pixels);
        using var reference = new RandomWalkInference(model, new RandomWalkOptions()).Edge(image);
        using var small = new RandomWalkInference(model, new RandomWalkOptions { EdgeCanvas = 64 }).Edge(image);
        Assert.Equal(new long[] { 1, 16, 16 }, reference.shape);
        Assert.Equal(new long[] { 1, 16, 16 }, small.shape);
        Assert.True(small.ge(0).all().item<bool>() && small.le(1).all().item<bool>(), "edge probabilities lie in [0, 1]");
    }
}

public class RandomWalkSpreadTests
{
    [Fact]
    public void EveryPowerIsTheWalkWithThatManySteps()
    {
        const int classes = 2, h = 7, w = 9;
        var rng = new Random(5);
        var cams = Enumerable.Range(0, classes * h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var edge = Enumerable.Range(0, h * w).Select(_ => (float)Math.Pow(rng.NextDouble(), 3)).ToArray();
        var options = new RandomWalkOptions { ExpTimes = 5, Beta = 3 };
        var spread = RandomWalkPropagation.PropagateInPowers(cams, classes, h, w, edge, options);
        Assert.Equal(new long[] { 0, 1, 2, 4, 8, 16, 32 }, spread.Select(s => s.Steps));
        for (int i = 0; i < cams.Length; i++) Assert.Equal(cams[i] * (1f - edge[i % (h * w)]), spread[0].Maps[i]);
        Assert.Equal(RandomWalkPropagation.Propagate(cams, classes, h, w, edge, options), spread[^1].Maps);
        for (int power = 0; power <= options.ExpTimes; power++)
        {
            var dense = RandomWalkPropagation.Propagate(cams, classes, h, w, edge, options with { ExpTimes = power, Mode = RandomWalkMode.Dense });
            var snapshot = spread[power + 1].Maps;
            double scale = dense.Max(v => Math.Abs(v));
            for (int i = 0; i < dense.Length; i++) Assert.True(Math.Abs(snapshot[i] - dense[i]) <= 1e-4 * scale, $"T^{1 << power} at {i}: {snapshot[i]} vs dense {dense[i]}");
        }
    }
}
