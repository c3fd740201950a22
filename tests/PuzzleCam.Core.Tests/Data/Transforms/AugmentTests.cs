using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Transforms;

/// <summary>The random <c>--augment</c> transforms and their wiring; their pixel arithmetic is checked against Pillow in <see cref="PillowAugmentParityTests"/>.</summary>
public class AugmentTests
{
    private static RgbImage Image(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)((i * 37 + i / 7 * 11) % 256);
        return image;
    }

    private static LabelMap Mask(int width, int height)
    {
        var map = new LabelMap(width, height);
        for (int i = 0; i < map.Labels.Length; i++) map.Labels[i] = (byte)(i % 21);
        return map;
    }

    public static TheoryData<string> Transforms() => ["colorjitter", "randaugment"];

    private static IPixelTransform Create(string name) => name == "colorjitter" ? new ColorJitter() : new RandAugment();

    [Theory]
    [MemberData(nameof(Transforms))]
    public void SameStreamSameImageAndOtherStreamsDiffer(string name)
    {
        var transform = Create(name);
        var image = Image(41, 27);
        var original = image.Clone();
        var a = transform.Apply(new PixelSample(image, null), RandomSource.Derive(7, 1, 2)).Image;
        var b = transform.Apply(new PixelSample(image, null), RandomSource.Derive(7, 1, 2)).Image;
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(original.Pixels, image.Pixels);
        var others = Enumerable.Range(0, 8).Select(i => transform.Apply(new PixelSample(image, null), RandomSource.Derive(7, 1, i + 10)).Image.Pixels).ToList();
        Assert.Contains(others, p => !p.SequenceEqual(a.Pixels));
    }

    [Theory]
    [MemberData(nameof(Transforms))]
    public void ChangesPixelsKeepsTheSizeAndLeavesTheMaskAlone(string name)
    {
        var transform = Create(name);
        var mask = Mask(41, 27);
        var labels = (byte[])mask.Labels.Clone();
        for (int seed = 0; seed < 10; seed++)
        {
            var image = Image(41, 27);
            var result = transform.Apply(new PixelSample(image, mask), new RandomSource((ulong)seed));
            Assert.Equal((41, 27), (result.Image.Width, result.Image.Height));
            Assert.NotEqual(image.Pixels, result.Image.Pixels);
            Assert.Same(mask, result.Mask);
            Assert.Equal(labels, mask.Labels);
        }
    }

    [Fact]
    public void RandAugmentAlwaysCutsOutABlackSquare()
    {
        // On a white image some black must remain whatever the two operations did; an unclipped square is 17x17
        // because the rectangle's far edges are inclusive.
        var white = new RgbImage(64, 48);
        white.Pixels.AsSpan().Fill(255);
        for (int seed = 0; seed < 20; seed++)
        {
            var result = new RandAugment().Apply(new PixelSample(white, null), new RandomSource((ulong)seed)).Image;
            Assert.Contains(result.Pixels.Chunk(3), p => p.All(v => v == 0));
        }
        var cut = RandAugment.CutoutAbs(white, 30.0, 20.0, 16);
        int black = cut.Pixels.Chunk(3).Count(p => p.All(v => v == 0));
        Assert.Equal(17 * 17, black);
        // Near the left edge the corner clamps to 0 and the square still spans 17 columns; at the bottom it is cut to rows 39..47.
        Assert.Equal(17 * 9, RandAugment.CutoutAbs(white, 0.5, 47.9, 16).Pixels.Chunk(3).Count(p => p.All(v => v == 0)));
    }

    [Fact]
    public void ColorJitterDrawsFactorsInTheirRanges()
    {
        // Brightness alone: a factor f in [0.7, 1.3] scales a mid-grey 100 to 70..130.
        var grey = new RgbImage(5, 5);
        grey.Pixels.AsSpan().Fill(100);
        var jitter = new ColorJitter(brightness: 0.3, contrast: 0, saturation: 0, hue: 0);
        var values = Enumerable.Range(0, 200).Select(s => jitter.Apply(new PixelSample(grey, null), new RandomSource((ulong)s)).Image.Pixels[0]).ToList();
        Assert.All(values, v => Assert.InRange(v, 70, 130));
        Assert.True(values.Min() < 80 && values.Max() > 120, $"factors should cover the range, saw {values.Min()}..{values.Max()}");
    }

    [Fact]
    public void HueShiftLeavesGreysAndWrapsAround()
    {
        var image = Image(9, 7);
        for (int i = 0; i < 9; i++) image.Pixels[3 * i] = image.Pixels[3 * i + 1] = image.Pixels[3 * i + 2] = (byte)(i * 30);
        var shifted = ColorJitter.AdjustHue(image, 0.1);
        Assert.Equal(image.Pixels.AsSpan(0, 27).ToArray(), shifted.Pixels.AsSpan(0, 27).ToArray());
        // Pure red has hue 0: −0.1 of a turn wraps to 231/255, a magenta-leaning red (blue rises, green stays 0).
        var red = new RgbImage(1, 1, [255, 0, 0]);
        var turned = ColorJitter.AdjustHue(red, -0.1);
        Assert.Equal(255, turned.Pixels[0]);
        Assert.Equal(0, turned.Pixels[1]);
        Assert.InRange(turned.Pixels[2], 140, 160);
    }

    [Fact]
    public void OperationArgumentsAreChecked()
    {
        var image = Image(9, 7);
        Assert.Throws<ArgumentOutOfRangeException>(() => RandAugment.ApplyOp(image, RandAugmentOp.Rotate, 0, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandAugment.ApplyOp(image, RandAugmentOp.Rotate, 10, false));
        Assert.Throws<ArgumentException>(() => RandAugment.ApplyOp(image, RandAugmentOp.Solarize, 3, negate: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Posterize(image, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AffineTransform.Rotate(image, -90));
        Assert.Throws<ArgumentException>(() => ColorJitter.Adjust(image, [0, 1, 1, 3], new JitterFactors(1, 1, 1, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColorJitter(hue: 0.6));
        Assert.Throws<ArgumentException>(() => AffineTransform.ShearX(new RgbImage(40000, 1), 0.1));
    }

    [Theory]
    [InlineData("", false, false)]
    [InlineData("colorjitter", true, false)]
    [InlineData("randaugment", false, true)]
    [InlineData("colorjitter_randaugment", true, true)]
    [InlineData("randaugment, colorjitter", true, true)]
    [InlineData("colorjitter+colorjitter", true, false)]
    public void AugmentWordsSwitchTheSteps(string augment, bool colorJitter, bool randAugment)
    {
        var options = new AugmentationOptions { Augment = augment };
        Assert.Equal((colorJitter, randAugment), AugmentationOptions.ParseAugment(augment));
        var steps = TransformPipeline.ForClassificationTraining(options).PixelSteps.Select(s => s.GetType()).ToList();
        var expected = new List<Type> { typeof(RandomResize), typeof(RandomHorizontalFlip) };
        if (colorJitter) expected.Add(typeof(ColorJitter));
        if (randAugment) expected.Add(typeof(RandAugment));
        Assert.Equal(expected, steps);
    }

    [Theory]
    [InlineData("colourjitter")]
    [InlineData("colorjitter_randaugmnet")]
    [InlineData("ColorJitter")]
    [InlineData("colorjitterrandaugment")]
    public void AugmentTyposAreRejectedNamingTheOption(string augment)
    {
        var error = Assert.Throws<BadInputException>(() => TransformPipeline.ForClassificationTraining(new AugmentationOptions { Augment = augment }));
        Assert.Contains("--augment", error.Message);
        Assert.Throws<BadInputException>(() => new AugmentationOptions { Augment = augment }.Validate());
    }

    [Fact]
    public void OnlyTheClassificationChainAugments()
    {
        var options = new AugmentationOptions { Augment = "colorjitter_randaugment" };
        Assert.DoesNotContain(TransformPipeline.ForSegmentationTraining(options).PixelSteps, s => s is ColorJitter or RandAugment);
        Assert.DoesNotContain(TransformPipeline.ForAffinityTraining(options).PixelSteps, s => s is ColorJitter or RandAugment);
        Assert.Empty(TransformPipeline.ForValidation(options).PixelSteps);
    }
}
