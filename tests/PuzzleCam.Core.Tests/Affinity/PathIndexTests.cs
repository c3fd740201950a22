using PuzzleCam.Affinity;

namespace PuzzleCam.Core.Tests.Affinity;

/// <summary>Golden case 05: PathIndex for radius 10 and 5, exact.</summary>
public class PathIndexTests
{
    private const string Case = "case05_path_index_and_affinity_labels";

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("r10")]
    [InlineData("r5")]
    public void MatchesReference(string prefix)
    {
        using var json = GoldenData.Json(Case, "scalars.json");
        var root = json.RootElement;
        var size = root.GetProperty($"{prefix}_default_size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int radius = int.Parse(prefix[1..]);
        var index = new PathIndex(radius, size[0], size[1]);

        Assert.Equal(root.GetProperty($"{prefix}_radius_floor").GetInt32(), index.RadiusFloor);
        Assert.Equal(root.GetProperty($"{prefix}_num_directions").GetInt32(), index.DirectionCount);
        Assert.Equal(root.GetProperty($"{prefix}_num_path_groups").GetInt32(), index.Groups.Count);
        for (int g = 0; g < index.Groups.Count; g++)
        {
            var group = index.Groups[g];
            var paths = GoldenData.Load(Case, $"{prefix}_search_paths_{g}.npy");
            Assert.Equal(new long[] { group.Directions.Count, group.PathLength, 2 }, paths.Shape);
            Assert.Equal(paths.ToArray<long>(), group.Paths.SelectMany(p => p.SelectMany(q => new long[] { q.Dy, q.Dx })).ToArray());
            var indices = GoldenData.Load(Case, $"{prefix}_path_indices_{g}.npy");
            Assert.Equal(indices.Shape, group.Shape(index.SourceCount));
            Assert.Equal(indices.ToArray<long>(), group.Indices);
        }
        var dst = GoldenData.Load(Case, $"{prefix}_search_dst.npy");
        Assert.Equal(dst.ToArray<long>(), index.Destinations.SelectMany(d => new long[] { d.Dy, d.Dx }).ToArray());
        var src = GoldenData.Load(Case, $"{prefix}_src_indices.npy");
        Assert.Equal(src.Shape, new[] { index.SourceCount });
        Assert.Equal(src.ToArray<long>(), index.SourceIndices);
        var dstIndices = GoldenData.Load(Case, $"{prefix}_dst_indices.npy");
        Assert.Equal(dstIndices.Shape, new long[] { index.DirectionCount, index.SourceCount });
        Assert.Equal(dstIndices.ToArray<long>(), index.DestinationIndices);
    }

    [Fact]
    public void RejectsMapsWithoutSourceWindow()
    {
        var error = Assert.Throws<ArgumentException>(() => new PathIndex(10, 16, 16));
        Assert.Contains("radius 10", error.Message);
    }
}
