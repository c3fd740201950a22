using PuzzleCam.Crf;

namespace PuzzleCam.Core.Tests.Crf;

public class PermutohedralLatticeTests
{
    /// <summary>Pixel positions of a w×h grid scaled by 1/sxy, the Gaussian kernel's features.</summary>
    private static float[] GridFeatures(int width, int height, float sxy)
    {
        var f = new float[2 * width * height];
        for (int y = 0, i = 0; y < height; y++)
            for (int x = 0; x < width; x++, i++)
            {
                f[2 * i] = x / sxy;
                f[2 * i + 1] = y / sxy;
            }
        return f;
    }

    private static float[] RandomFeatures(int count, int dimensions, float range, int seed)
    {
        var rng = new Random(seed);
        var f = new float[count * dimensions];
        for (int i = 0; i < f.Length; i++) f[i] = (float)(rng.NextDouble() * range);
        return f;
    }

    [Fact]
    public void FilteringAConstantAndDividingByTheFilteredOnesGivesTheConstant()
    {
        var lattice = new PermutohedralLattice();
        int n = 300;
        lattice.Build(RandomFeatures(n, 5, 6f, 1), 5, n);
        var ones = Enumerable.Repeat(1f, n).ToArray();
        var constant = Enumerable.Repeat(2.5f, n).ToArray();
        var k1 = new float[n];
        var kc = new float[n];
        lattice.Filter(ones, k1, 1);
        lattice.Filter(constant, kc, 1);
        for (int i = 0; i < n; i++)
        {
            Assert.True(k1[i] > 0);
            Assert.Equal(2.5f, kc[i] / k1[i], 4);
        }
    }

    [Fact]
    public void SymmetricNormalisationKeepsAConstantConstantInsideAUniformGrid()
    {
        const int w = 60, h = 50;
        var lattice = new PermutohedralLattice();
        lattice.Build(GridFeatures(w, h, 3f), 2, w * h);
        var norm = new float[w * h];
        lattice.SymmetricNorm(norm);
        var filtered = new float[w * h];
        lattice.Filter(norm, filtered, 1);
        // Away from the borders (more than 3 standard deviations) norm ⊙ K(norm ⊙ 1) is 1 up to the lattice's
        // discretisation.
        for (int y = 10; y < h - 10; y++)
            for (int x = 10; x < w - 10; x++)
            {
                int i = y * w + x;
                Assert.InRange(norm[i] * filtered[i], 0.97f, 1.03f);
            }
    }

    [Fact]
    public void TheFilterIsLinearOverSeveralValuesPerPoint()
    {
        var lattice = new PermutohedralLattice();
        int n = 400;
        lattice.Build(RandomFeatures(n, 5, 5f, 2), 5, n);
        var rng = new Random(3);
        var u = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var v = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var ku = new float[n];
        var kv = new float[n];
        lattice.Filter(u, ku, 1);
        lattice.Filter(v, kv, 1);
        // Two values per point, (u, 2u − 3v), filtered at once.
        var both = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            both[2 * i] = u[i];
            both[2 * i + 1] = 2 * u[i] - 3 * v[i];
        }
        var kBoth = new float[2 * n];
        lattice.Filter(both, kBoth, 2);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(ku[i], kBoth[2 * i], 5);
            Assert.Equal(2 * ku[i] - 3 * kv[i], kBoth[2 * i + 1], 4);
        }
    }

    [Fact]
    public void WeightFallsWithDistanceAndVanishesFarAway()
    {
        // Point 0 at the origin; point 1 at 0.1, point 2 at 1.5 and point 3 at 20 standard deviations.
        float[] features = [0, 0, 0.1f, 0, 1.5f, 0, 20f, 0];
        var lattice = new PermutohedralLattice();
        lattice.Build(features, 2, 4);
        var filtered = new float[4];
        lattice.Filter([1f, 0, 0, 0], filtered, 1);
        Assert.True(filtered[0] > 0);
        Assert.InRange(filtered[1] / filtered[0], 0.8f, 1.01f);
        Assert.InRange(filtered[2] / filtered[0], 0.05f, 0.6f);
        Assert.Equal(0f, filtered[3]);
    }

    [Fact]
    public void BarycentricWeightsArePositiveAndSumToOne()
    {
        var lattice = new PermutohedralLattice();
        int n = 500;
        lattice.Build(RandomFeatures(n, 5, 30f, 4), 5, n);
        for (int i = 0; i < n; i++)
        {
            var w = lattice.Weights.AsSpan(i * 6, 6);
            foreach (var x in w) Assert.InRange(x, -1e-6f, 1f + 1e-6f);
            Assert.Equal(1f, w.ToArray().Sum(), 5);
        }
    }

    [Fact]
    public void RebuildingForOtherPointsForgetsTheOldLattice()
    {
        var lattice = new PermutohedralLattice();
        lattice.Build(RandomFeatures(2000, 5, 40f, 5), 5, 2000);
        var small = RandomFeatures(50, 5, 3f, 6);
        lattice.Build(small, 5, 50);
        var reused = new float[50];
        lattice.Filter(Enumerable.Repeat(1f, 50).ToArray(), reused, 1);
        var fresh = new PermutohedralLattice();
        fresh.Build(small, 5, 50);
        var expected = new float[50];
        fresh.Filter(Enumerable.Repeat(1f, 50).ToArray(), expected, 1);
        Assert.Equal(fresh.VertexCount, lattice.VertexCount);
        Assert.Equal(expected, reused);
    }

    [Fact]
    public void FeaturesBeyondTheKeyRangeAreRefused()
    {
        var lattice = new PermutohedralLattice();
        var ex = Assert.Throws<ArgumentException>(() => lattice.Build([1e6f, 0f], 2, 1));
        Assert.Contains("too large", ex.Message);
    }
}
