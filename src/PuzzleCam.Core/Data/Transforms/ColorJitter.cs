namespace PuzzleCam.Data.Transforms;

/// <summary>The four factors of one <see cref="ColorJitter"/> draw: enhancement factors around 1, hue as a fraction of a turn.</summary>
public readonly record struct JitterFactors(double Brightness, double Contrast, double Saturation, double Hue);

/// <summary>
/// torchvision's <c>ColorJitter(brightness, contrast, saturation, hue)</c> on a PIL image, the reference's
/// <c>--augment colorjitter</c> (0.3, 0.3, 0.3, 0.1): the three enhancement factors are drawn uniformly from
/// [max(0, 1 − x), 1 + x], the hue shift from [−hue, hue], and the four adjustments run in a random order.
/// Masks pass through untouched (the reference uses it for classification only).
/// </summary>
public sealed class ColorJitter : IPixelTransform
{
    /// <summary>The adjustments in the order torchvision numbers them, which <see cref="Adjust"/>'s order refers to.</summary>
    public const int Brightness = 0, Contrast = 1, Saturation = 2, Hue = 3;

    private readonly double _brightness, _contrast, _saturation, _hue;

    public ColorJitter(double brightness = 0.3, double contrast = 0.3, double saturation = 0.3, double hue = 0.1)
    {
        if (!(brightness >= 0)) throw new ArgumentOutOfRangeException(nameof(brightness), $"must be non-negative, got {brightness}");
        if (!(contrast >= 0)) throw new ArgumentOutOfRangeException(nameof(contrast), $"must be non-negative, got {contrast}");
        if (!(saturation >= 0)) throw new ArgumentOutOfRangeException(nameof(saturation), $"must be non-negative, got {saturation}");
        if (!(hue >= 0 && hue <= 0.5)) throw new ArgumentOutOfRangeException(nameof(hue), $"must be in [0, 0.5], got {hue}");
        (_brightness, _contrast, _saturation, _hue) = (brightness, contrast, saturation, hue);
    }

    /// <summary>Draws an order and four factors from <paramref name="random"/> (in torchvision's sequence) and applies them.</summary>
    public PixelSample Apply(PixelSample sample, RandomSource random)
    {
        var order = random.Permutation(4);
        var factors = new JitterFactors(
            random.NextUniform(Math.Max(0, 1 - _brightness), 1 + _brightness),
            random.NextUniform(Math.Max(0, 1 - _contrast), 1 + _contrast),
            random.NextUniform(Math.Max(0, 1 - _saturation), 1 + _saturation),
            random.NextUniform(-_hue, _hue));
        return sample with { Image = Adjust(sample.Image, order, factors) };
    }

    /// <summary>Applies the four adjustments in <paramref name="order"/> (a permutation of <see cref="Brightness"/> .. <see cref="Hue"/>).</summary>
    public static RgbImage Adjust(RgbImage image, ReadOnlySpan<int> order, JitterFactors factors)
    {
        if (order.Length != 4 || order.ToArray().Distinct().Count() != 4 || order.ToArray().Any(i => i is < 0 or > 3))
            throw new ArgumentException($"order must be a permutation of 0..3, got [{string.Join(", ", order.ToArray())}]", nameof(order));
        foreach (int step in order)
        {
            image = step switch
            {
                Brightness => ImageEnhance.Brightness(image, factors.Brightness),
                Contrast => ImageEnhance.Contrast(image, factors.Contrast),
                Saturation => ImageEnhance.Color(image, factors.Saturation),
                _ => AdjustHue(image, factors.Hue),
            };
        }
        return image;
    }

    /// <summary>
    /// torchvision's PIL hue shift: to Pillow's HSV, add the shift times 255 to the hue byte (truncated toward zero,
    /// then wrapped modulo 256 as NumPy's uint8 does), back to RGB. Greys come back unchanged.
    /// </summary>
    public static RgbImage AdjustHue(RgbImage image, double hueFactor)
    {
        if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new ArgumentOutOfRangeException(nameof(hueFactor), $"must be in [-0.5, 0.5], got {hueFactor}");
        byte shift = (byte)((int)(hueFactor * 255) & 0xFF);
        var hsv = new byte[image.Pixels.Length];
        PilConvert.RgbToHsv(image.Pixels, hsv);
        for (int i = 0; i < hsv.Length; i += 3) hsv[i] += shift;
        var output = new RgbImage(image.Width, image.Height);
        PilConvert.HsvToRgb(hsv, output.Pixels);
        return output;
    }
}
