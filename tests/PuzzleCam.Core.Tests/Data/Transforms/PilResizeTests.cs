using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Transforms;

public class PilResizeTests
{
    private static RgbImage Noise(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    [Theory]
    [InlineData(13, 9, 40, 3)]
    [InlineData(13, 9, 5, 20)]
    [InlineData(50, 31, 7, 6)]
    [InlineData(1, 1, 4, 4)]
    public void ConstantImagesStayConstant(int w, int h, int ow, int oh)
    {
        foreach (byte v in new byte[] { 0, 1, 128, 254, 255 })
        {
            var image = new RgbImage(w, h);
            image.Pixels.AsSpan().Fill(v);
            Assert.All(PilResize.Bicubic(image, ow, oh).Pixels, p => Assert.Equal(v, p));
        }
    }

    [Theory]
    [InlineData(17, 11, 40, 25)]
    [InlineData(40, 25, 17, 11)]
    [InlineData(40, 25, 40, 11)]
    [InlineData(40, 25, 17, 25)]
    public void ChannelsAreResampledIndependently(int w, int h, int ow, int oh)
    {
        var image = Noise(w, h, 4);
        var rgb = PilResize.Bicubic(image, ow, oh);
        var nearest = PilResize.Nearest(image, ow, oh);
        for (int c = 0; c < 3; c++)
        {
            var plane = new byte[w * h];
            for (int i = 0; i < plane.Length; i++) plane[i] = image.Pixels[3 * i + c];
            var single = PilResize.Bicubic(plane, w, h, 1, ow, oh);
            var map = PilResize.Nearest(new LabelMap(w, h, plane), ow, oh);
            for (int i = 0; i < single.Length; i++)
            {
                Assert.Equal(rgb.Pixels[3 * i + c], single[i]);
                Assert.Equal(nearest.Pixels[3 * i + c], map.Labels[i]);
            }
        }
    }

    [Fact]
    public void SameSizeGivesACopy()
    {
        var image = Noise(6, 4, 1);
        var copy = PilResize.Bicubic(image, 6, 4);
        Assert.NotSame(image.Pixels, copy.Pixels);
        Assert.Equal(image.Pixels, copy.Pixels);
    }

    [Fact]
    public void NearestIntegerDownscaleTakesPixelCentres()
    {
        var map = new LabelMap(6, 1, [10, 11, 12, 13, 14, 15]);
        // Ratio 3: centres at 1.5 and 4.5, truncated to source pixels 1 and 4.
        Assert.Equal(new byte[] { 11, 14 }, PilResize.Nearest(map, 2, 1).Labels);
        // Ratio 0.5: every source pixel twice.
        Assert.Equal(new byte[] { 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15 }, PilResize.Nearest(map, 12, 1).Labels);
    }

    [Fact]
    public void BadSizesNameTheArgument()
    {
        var image = Noise(3, 3, 0);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => PilResize.Bicubic(image, 0, 3)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => PilResize.Bicubic(image, 3, -1)).ParamName);
        Assert.Throws<ArgumentException>(() => PilResize.Bicubic(new byte[5], 2, 2, 1, 3, 3));
    }
}
