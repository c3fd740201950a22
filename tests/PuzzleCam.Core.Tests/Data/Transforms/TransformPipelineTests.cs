using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Transforms;

public class TransformPipelineTests
{
    private static readonly AugmentationOptions Small = new() { MinImageSize = 8, MaxImageSize = 16, CropSize = 12 };

    private static RgbImage Image(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 13 % 256);
        return image;
    }

    private static LabelMap Mask(int width, int height)
    {
        var map = new LabelMap(width, height);
        for (int i = 0; i < map.Labels.Length; i++) map.Labels[i] = (byte)(i % 21);
        return map;
    }

    [Fact]
    public void ReferenceDefaults()
    {
        var options = new AugmentationOptions();
        Assert.Equal((320, 640, 512, 128), (options.MinImageSize, options.MaxImageSize, options.CropSize, options.AffinityMaskSize));
        Assert.Equal((256, 1024, 512), (AugmentationOptions.Segmentation.MinImageSize, AugmentationOptions.Segmentation.MaxImageSize, AugmentationOptions.Segmentation.CropSize));
        Assert.Equal([0.485, 0.456, 0.406], options.Mean);
        Assert.Equal([0.229, 0.224, 0.225], options.Std);
        var bad = Assert.Throws<ArgumentException>(() => TransformPipeline.ForClassificationTraining(options with { MaxImageSize = 100 }));
        Assert.Equal("MaxImageSize", bad.ParamName);
    }

    [Fact]
    public void ClassificationChainGivesACropOfNormalisedPixels()
    {
        var pipeline = TransformPipeline.ForClassificationTraining(Small);
        var result = pipeline.Apply(Image(20, 10), null, new RandomSource(1));
        Assert.Equal((3, 12, 12), (result.Image.Channels, result.Image.Height, result.Image.Width));
        Assert.Null(result.Mask);
        Assert.Contains(result.Image.Data, v => v != 0f);
    }

    [Fact]
    public void SameStreamSameSample()
    {
        var pipeline = TransformPipeline.ForSegmentationTraining(Small);
        var a = pipeline.Apply(Image(20, 10), Mask(20, 10), RandomSource.Derive(0, 3, 4));
        var b = pipeline.Apply(Image(20, 10), Mask(20, 10), RandomSource.Derive(0, 3, 4));
        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.Equal(a.Mask!.Labels, b.Mask!.Labels);
        var others = Enumerable.Range(0, 10).Select(i => pipeline.Apply(Image(20, 10), Mask(20, 10), RandomSource.Derive(0, 3, i)).Image.Data);
        Assert.Contains(others, d => !d.SequenceEqual(a.Image.Data));
    }

    [Fact]
    public void SegmentationChainKeepsMaskAlignedWithThePadding()
    {
        var pipeline = TransformPipeline.ForSegmentationTraining(Small);
        for (int seed = 0; seed < 20; seed++)
        {
            var result = pipeline.Apply(Image(9, 6), Mask(9, 6), new RandomSource((ulong)seed));
            Assert.Equal((12, 12), (result.Mask!.Width, result.Mask.Height));
            for (int i = 0; i < 144; i++)
            {
                bool padded = result.Mask.Labels[i] == 255;
                // Padding is exactly 0 in all three channels; real pixels never normalise to 0 in all of them.
                bool zero = result.Image.Data[i] == 0f && result.Image.Data[144 + i] == 0f && result.Image.Data[288 + i] == 0f;
                Assert.Equal(padded, zero);
            }
        }
    }

    [Fact]
    public void AffinityChainShrinksTheMaskToAQuarter()
    {
        var result = TransformPipeline.ForAffinityTraining(Small).Apply(Image(20, 10), Mask(20, 10), new RandomSource(0));
        Assert.Equal((3, 12, 12), (result.Image.Channels, result.Image.Height, result.Image.Width));
        Assert.Equal((3, 3), (result.Mask!.Width, result.Mask.Height));
    }

    [Fact]
    public void ValidationChainIsNotRandom()
    {
        var pipeline = TransformPipeline.ForValidation(Small);
        var a = pipeline.Apply(Image(14, 10), Mask(14, 10), new RandomSource(0));
        var b = pipeline.Apply(Image(14, 10), Mask(14, 10), new RandomSource(99));
        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.Equal(a.Mask!.Labels, b.Mask!.Labels);
        var plain = new Normalize().Apply(Image(14, 10));
        Assert.Equal(plain.Row(1, 3)[..12].ToArray(), a.Image.Row(1, 3).ToArray());
        Assert.Equal(255, a.Mask[11, 0]);
    }
}
