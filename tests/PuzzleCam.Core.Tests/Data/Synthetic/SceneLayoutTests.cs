using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;

namespace PuzzleCam.Core.Tests.Data.Synthetic;

public class SceneLayoutTests
{
    private static IEnumerable<SceneLayout> Layouts(int size, int count) =>
        Enumerable.Range(0, count).Select(i => SceneLayout.Sample(new SplitMix64(SplitMix64.ImageSeed(3, 1, i)), size));

    [Fact]
    public void SplitMix64FollowsTheReferenceStream()
    {
        // First outputs of SplitMix64 seeded with 0, as published with the algorithm.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }

    [Theory]
    [InlineData(64, 10)]
    [InlineData(600, 1)]
    public void VoidMarksThePixelsNearAnotherOwner(int size, int images)
    {
        foreach (var layout in Layouts(size, images))
        {
            int s = layout.Size, grow = SceneLayout.VoidHalfWidth(s) - 1;
            var owner = layout.Owner;
            bool Boundary(int x, int y)
            {
                int i = y * s + x;
                return (x > 0 && owner[i - 1] != owner[i]) || (x + 1 < s && owner[i + 1] != owner[i])
                    || (y > 0 && owner[i - s] != owner[i]) || (y + 1 < s && owner[i + s] != owner[i]);
            }
            var labels = layout.ToLabelMap().Labels;
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                {
                    bool near = false;
                    for (int yy = Math.Max(0, y - grow); yy <= Math.Min(s - 1, y + grow) && !near; yy++)
                        for (int xx = Math.Max(0, x - grow); xx <= Math.Min(s - 1, x + grow) && !near; xx++)
                            near = Boundary(xx, yy);
                    int i = y * s + x;
                    int expected = near ? VocClasses.Ignore
                        : owner[i] == 0 ? VocClasses.Background : layout.Objects[owner[i] - 1].ClassIndex + 1;
                    Assert.Equal(expected, labels[i]);
                }
        }
    }

    [Fact]
    public void EveryBadgeStaysVisibleAndLabelledWithItsClass()
    {
        foreach (var layout in Layouts(96, 20))
        {
            var labels = layout.ToLabelMap();
            for (int k = 0; k < layout.Objects.Count; k++)
            {
                var o = layout.Objects[k];
                // The whole badge disc belongs to its object: nothing drawn later covers it.
                for (int y = (int)(o.BadgeY - o.BadgeRadius); y <= (int)(o.BadgeY + o.BadgeRadius); y++)
                    for (int x = (int)(o.BadgeX - o.BadgeRadius); x <= (int)(o.BadgeX + o.BadgeRadius); x++)
                    {
                        double dx = x + 0.5 - o.BadgeX, dy = y + 0.5 - o.BadgeY;
                        if (dx * dx + dy * dy > o.BadgeRadius * o.BadgeRadius) continue;
                        Assert.Equal(k + 1, layout.Owner[y * layout.Size + x]);
                    }
                Assert.Equal(o.ClassIndex + 1, labels[(int)o.BadgeY, (int)o.BadgeX]);
            }
        }
    }

    [Fact]
    public void BodyAreaFormulaMatchesItsPixels()
    {
        var rng = new SplitMix64(11);
        for (int i = 0; i < 20; i++)
        {
            var body = BlobShape.Sample(rng, 100, 100, rng.Uniform(20, 60));
            var pixels = new List<int>();
            body.Rasterize(200, pixels);
            Assert.InRange(pixels.Count / body.Area, 0.97, 1.03);
        }
    }
}
