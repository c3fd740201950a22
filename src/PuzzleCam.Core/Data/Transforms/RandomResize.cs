namespace PuzzleCam.Data.Transforms;

/// <summary>
/// The reference's RandomResize (and its _For_Segmentation twin): draw a long-side length S uniformly from
/// [<see cref="MinSize"/>, <see cref="MaxSize"/>], scale the image so its longer side becomes S (width wins a tie),
/// size rounded half-to-even as Python's <c>round</c>, BICUBIC for the image and NEAREST for the mask.
/// When the rounded size equals the input size the sample is returned untouched.
/// </summary>
public sealed class RandomResize : IPixelTransform
{
    public RandomResize(int minSize, int maxSize)
    {
        if (minSize <= 0) throw new ArgumentOutOfRangeException(nameof(minSize), minSize, "must be positive");
        if (maxSize < minSize) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"must be at least minSize ({minSize})");
        MinSize = minSize;
        MaxSize = maxSize;
    }

    public int MinSize { get; }
    public int MaxSize { get; }

    public PixelSample Apply(PixelSample sample, RandomSource random)
    {
        sample.CheckMaskSize();
        int longSide = random.NextInt(MinSize, MaxSize);
        var (width, height) = ScaledSize(sample.Image.Width, sample.Image.Height, longSide);
        if (width == sample.Image.Width && height == sample.Image.Height) return sample;
        return new PixelSample(
            PilResize.Bicubic(sample.Image, width, height),
            sample.Mask is { } mask ? PilResize.Nearest(mask, width, height) : null);
    }

    /// <summary>The size whose longer side is <paramref name="longSide"/>, computed in double as the reference does.</summary>
    public static (int Width, int Height) ScaledSize(int width, int height, int longSide)
    {
        double scale = width < height ? (double)longSide / height : (double)longSide / width;
        return ((int)Math.Round(width * scale, MidpointRounding.ToEven), (int)Math.Round(height * scale, MidpointRounding.ToEven));
    }
}
