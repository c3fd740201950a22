using PuzzleCam.Affinity;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Core.Tests.Affinity;

public class EdgeMapTests
{
    private static EdgeMap RandomEdges(int h, int w, int seed)
    {
        var rng = new Random(seed);
        var values = new float[h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (float)Math.Pow(rng.NextDouble(), 3);
        return new EdgeMap(h, w, values);
    }

    [Fact]
    public void APixelInsideTheMapHasEveryTrainingPairOfBothHalfPlanes()
    {
        var edges = RandomEdges(24, 24, 1);
        var pairs = edges.AffinitiesOf(12, 12);
        Assert.Equal(2 * PathIndex.SearchPaths(10).Count, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Select(p => (p.Dy, p.Dx)).Distinct().Count());
        Assert.All(pairs, p => Assert.True(p.Dy * p.Dy + p.Dx * p.Dx < 100));
        Assert.All(pairs, p =>
        {
            Assert.Equal((0, 0), p.Path[0]);
            Assert.Equal((p.Dy, p.Dx), p.Path[^1]);
            Assert.Contains(p.Peak, p.Path);
            Assert.Equal(1f - p.Path.Max(q => edges[12 + q.Dy, 12 + q.Dx]), p.Affinity);
            Assert.Equal(1f - edges[12 + p.Peak.Dy, 12 + p.Peak.Dx], p.Affinity);
        });
        // Near a corner only the partners inside the map remain.
        Assert.All(edges.AffinitiesOf(0, 0), p => Assert.True(p.Dy >= 0 && p.Dx >= 0));
    }

    [Fact]
    public void AffinitiesAreWhatTheTrainingPathIndexGathers()
    {
        const int size = 24;
        var edges = RandomEdges(size, size, 2);
        var index = new PathIndex(AffinityNetTrainingOptions.Radius, size, size);
        // Source 0 of the window is pixel (0, RadiusFloor); every direction's path group holds its path indices.
        long source = 37;
        int row = (int)(index.SourceIndices[source] / size), column = (int)(index.SourceIndices[source] % size);
        var byOffset = edges.AffinitiesOf(row, column).ToDictionary(p => (p.Dy, p.Dx));
        foreach (var group in index.Groups)
        {
            for (int d = 0; d < group.Directions.Count; d++)
            {
                float max = 0;
                for (int p = 0; p < group.PathLength; p++)
                    max = Math.Max(max, edges.Values[group.Indices[((long)d * group.PathLength + p) * index.SourceCount + source]]);
                Assert.Equal(1f - max, byOffset[group.Directions[d]].Affinity);
            }
        }
    }

    [Fact]
    public void TheWalkRadiusGivesTheWalksAffinitiesBothWays()
    {
        var edges = RandomEdges(9, 11, 3);
        var walk = new WalkAffinities(edges.Values, 9, 11, 5);
        foreach (var (row, column) in new[] { (4, 5), (0, 0), (8, 10), (2, 9) })
        {
            foreach (var pair in edges.AffinitiesOf(row, column, 5))
            {
                int d = Array.IndexOf(walk.Directions, (pair.Dy, pair.Dx));
                float expected = d >= 0 ? walk.At(d, row, column)
                    : walk.At(Array.IndexOf(walk.Directions, (-pair.Dy, -pair.Dx)), row + pair.Dy, column + pair.Dx);
                Assert.Equal(expected, pair.Affinity);
            }
        }
    }

    [Fact]
    public void FromTensorReadsTheEdgeNetworksLayout()
    {
        using var edge = TorchSharp.torch.arange(6, dtype: TorchSharp.torch.float32).reshape(1, 2, 3);
        var map = EdgeMap.FromTensor(edge);
        Assert.Equal((2, 3), (map.Height, map.Width));
        Assert.Equal(5f, map[1, 2]);
        Assert.Throws<ArgumentException>(() => EdgeMap.FromTensor(TorchSharp.torch.zeros(2, 2, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.AffinitiesOf(2, 0));
    }
}
