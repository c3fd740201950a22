using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Transforms;

public class TransformTests
{
    // Distinct non-zero values everywhere, so a crop's placement can be read back from its output.
    private static ChwImage Ramp(int channels, int height, int width)
    {
        var image = new ChwImage(channels, height, width);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = i + 1;
        return image;
    }

    private static LabelMap LabelRamp(int height, int width)
    {
        var map = new LabelMap(width, height);
        for (int i = 0; i < map.Labels.Length; i++) map.Labels[i] = (byte)(i % 200);
        return map;
    }

    private static RgbImage RgbRamp(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 7 % 256);
        return image;
    }

    /// <summary>
    /// Crops with many streams and checks each output against the window rule of the spec: per axis, a random source
    /// offset in [0, space] when space &gt; 0, else a random canvas offset in [0, −space]; 0 / 255 padding elsewhere.
    /// Returns the offsets seen per axis.
    /// </summary>
    private static (HashSet<(int Image, int Canvas)> X, HashSet<(int Image, int Canvas)> Y) CropMany(int width, int height, int size)
    {
        var source = Ramp(3, height, width);
        var mask = LabelRamp(height, width);
        var crop = new RandomCrop(size);
        var seenX = new HashSet<(int, int)>();
        var seenY = new HashSet<(int, int)>();
        for (int seed = 0; seed < 200; seed++)
        {
            var result = crop.Apply(new TransformedSample(source, mask), new RandomSource((ulong)seed));
            Assert.Equal((3, size, size), (result.Image.Channels, result.Image.Height, result.Image.Width));
            Assert.NotNull(result.Mask);
            Assert.Equal((size, size), (result.Mask.Width, result.Mask.Height));

            var (imageX, imageY, canvasX, canvasY) = Locate(result, source);
            seenX.Add((imageX, canvasX));
            seenY.Add((imageY, canvasY));
            int copyW = Math.Min(size, width), copyH = Math.Min(size, height);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        bool inside = x >= canvasX && x < canvasX + copyW && y >= canvasY && y < canvasY + copyH;
                        int sx = x - canvasX + imageX, sy = y - canvasY + imageY;
                        float want = inside ? source.Row(c, sy)[sx] : 0f;
                        Assert.Equal(want, result.Image.Row(c, y)[x]);
                        if (c == 0) Assert.Equal(inside ? mask[sy, sx] : (byte)255, result.Mask[y, x]);
                    }
        }
        return (seenX, seenY);
    }

    // The first non-padding canvas pixel is the window's canvas corner, and its ramp value names the source pixel there.
    private static (int ImageX, int ImageY, int CanvasX, int CanvasY) Locate(TransformedSample result, ChwImage source)
    {
        int size = result.Image.Width;
        int first = Array.FindIndex(result.Image.Data, v => v != 0f);
        int flat = (int)result.Image.Data[first] - 1;
        return (flat % source.Width, flat / source.Width, first % size, first / size);
    }

    [Fact]
    public void RandomCropCutsAWindowWhenTheImageIsLarger()
    {
        var (x, y) = CropMany(width: 9, height: 7, size: 4);
        Assert.Equal(Enumerable.Range(0, 6).Select(o => (o, 0)).ToHashSet(), x);
        Assert.Equal(Enumerable.Range(0, 4).Select(o => (o, 0)).ToHashSet(), y);
    }

    [Fact]
    public void RandomCropKeepsAnImageOfExactlyTheCropSize()
    {
        var (x, y) = CropMany(width: 4, height: 4, size: 4);
        Assert.Equal([(0, 0)], x);
        Assert.Equal([(0, 0)], y);
    }

    [Fact]
    public void RandomCropPastesASmallImageAtARandomCanvasOffset()
    {
        var (x, y) = CropMany(width: 2, height: 3, size: 5);
        Assert.Equal(Enumerable.Range(0, 4).Select(o => (0, o)).ToHashSet(), x);
        Assert.Equal(Enumerable.Range(0, 3).Select(o => (0, o)).ToHashSet(), y);
    }

    [Fact]
    public void RandomCropHandlesEachAxisOnItsOwn()
    {
        var (x, y) = CropMany(width: 6, height: 2, size: 4);
        Assert.Equal(Enumerable.Range(0, 3).Select(o => (o, 0)).ToHashSet(), x);
        Assert.Equal(Enumerable.Range(0, 3).Select(o => (0, o)).ToHashSet(), y);
    }

    [Fact]
    public void RandomCropWithoutMaskGivesNoMask()
    {
        var result = new RandomCrop(3).Apply(new TransformedSample(Ramp(3, 2, 2), null), new RandomSource(0));
        Assert.Null(result.Mask);
    }

    [Fact]
    public void TopLeftCropKeepsTheTopLeftAndPads()
    {
        var source = Ramp(3, 3, 6);
        var mask = LabelRamp(3, 6);
        var result = new TopLeftCrop(4).Apply(new TransformedSample(source, mask), new RandomSource(0));
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++)
                {
                    bool inside = y < 3;
                    Assert.Equal(inside ? source.Row(c, y)[x] : 0f, result.Image.Row(c, y)[x]);
                    Assert.Equal(inside ? mask[y, x] : (byte)255, result.Mask![y, x]);
                }
    }

    [Fact]
    public void FlipMirrorsImageAndMaskTogether()
    {
        var image = RgbRamp(3, 2);
        var mask = LabelRamp(2, 3);
        var flipped = RandomHorizontalFlip.Flip(image);
        var flippedMask = RandomHorizontalFlip.Flip(mask);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
            {
                for (int c = 0; c < 3; c++) Assert.Equal(image.Pixels[(y * 3 + 2 - x) * 3 + c], flipped.Pixels[(y * 3 + x) * 3 + c]);
                Assert.Equal(mask[y, 2 - x], flippedMask[y, x]);
            }

        var flip = new RandomHorizontalFlip();
        int flips = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var result = flip.Apply(new PixelSample(image, mask), new RandomSource((ulong)seed));
            bool didFlip = result.Image.Pixels.SequenceEqual(flipped.Pixels);
            Assert.True(didFlip || ReferenceEquals(result.Image, image));
            Assert.Equal(didFlip ? flippedMask.Labels : mask.Labels, result.Mask!.Labels);
            flips += didFlip ? 1 : 0;
        }
        Assert.InRange(flips, 30, 70);
    }

    [Theory]
    [InlineData(500, 375, 320, 320, 240)]
    [InlineData(375, 500, 320, 240, 320)]
    [InlineData(400, 400, 333, 333, 333)]
    [InlineData(2, 1, 3, 3, 2)]  // 1.5 rounds to 2 (half to even)
    [InlineData(2, 1, 5, 5, 2)]  // 2.5 rounds to 2 (half to even)
    [InlineData(1, 2, 7, 4, 7)]  // 3.5 rounds to 4
    public void ScaledSizeSetsTheLongSideAndRoundsHalfToEven(int w, int h, int longSide, int ew, int eh) =>
        Assert.Equal((ew, eh), RandomResize.ScaledSize(w, h, longSide));

    [Fact]
    public void RandomResizeDrawsTheLongSideAndResizesTheMaskToo()
    {
        var image = RgbRamp(10, 6);
        var mask = LabelRamp(6, 10);
        var resize = new RandomResize(12, 14);
        var widths = new HashSet<int>();
        for (int seed = 0; seed < 60; seed++)
        {
            var result = resize.Apply(new PixelSample(image, mask), new RandomSource((ulong)seed));
            Assert.InRange(result.Image.Width, 12, 14);
            Assert.Equal(RandomResize.ScaledSize(10, 6, result.Image.Width), (result.Image.Width, result.Image.Height));
            Assert.Equal((result.Image.Width, result.Image.Height), (result.Mask!.Width, result.Mask.Height));
            Assert.Equal(PilResize.Nearest(mask, result.Mask.Width, result.Mask.Height).Labels, result.Mask.Labels);
            widths.Add(result.Image.Width);
        }
        Assert.Equal([12, 13, 14], widths.Order());
    }

    [Fact]
    public void RandomResizeReturnsTheInputWhenTheSizeIsUnchanged()
    {
        var sample = new PixelSample(RgbRamp(8, 6), LabelRamp(6, 8));
        var result = new RandomResize(8, 8).Apply(sample, new RandomSource(0));
        Assert.Same(sample.Image, result.Image);
        Assert.Same(sample.Mask, result.Mask);
    }

    [Fact]
    public void ResizeMaskSamplesPixelCentres()
    {
        // 8 -> 2: Pillow takes source pixels at centres 2.0 and 6.0.
        var mask = LabelRamp(8, 8);
        var result = new ResizeMask(2).Apply(new TransformedSample(Ramp(3, 8, 8), mask), new RandomSource(0));
        Assert.Equal(new byte[] { mask[2, 2], mask[2, 6], mask[6, 2], mask[6, 6] }, result.Mask!.Labels);
    }

    [Fact]
    public void NormalizeUsesImageNetStatisticsInCHWOrder()
    {
        var image = new RgbImage(2, 1, [0, 128, 255, 10, 20, 30]);
        var result = new Normalize().Apply(image);
        Assert.Equal((3, 1, 2), (result.Channels, result.Height, result.Width));
        Assert.Equal((float)((0 / 255.0 - 0.485) / 0.229), result.Data[0]);
        Assert.Equal((float)((10 / 255.0 - 0.485) / 0.229), result.Data[1]);
        Assert.Equal((float)((128 / 255.0 - 0.456) / 0.224), result.Data[2]);
        Assert.Equal((float)((30 / 255.0 - 0.406) / 0.225), result.Data[5]);
    }

    [Fact]
    public void MismatchedMaskIsRejected()
    {
        var pipeline = TransformPipeline.ForSegmentationTraining(new AugmentationOptions { MinImageSize = 8, MaxImageSize = 12, CropSize = 10 });
        Assert.Throws<ArgumentException>(() => pipeline.Apply(RgbRamp(10, 6), LabelRamp(5, 10), new RandomSource(0)));
        Assert.Throws<ArgumentException>(() => pipeline.Apply(RgbRamp(10, 6), null, new RandomSource(0)));
    }
}
