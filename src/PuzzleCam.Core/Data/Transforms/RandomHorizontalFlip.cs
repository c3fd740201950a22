namespace PuzzleCam.Data.Transforms;

/// <summary>Mirrors image and mask together left-to-right with probability 1/2 (one fair bit per sample).</summary>
public sealed class RandomHorizontalFlip : IPixelTransform
{
    public PixelSample Apply(PixelSample sample, RandomSource random)
    {
        sample.CheckMaskSize();
        if (!random.NextBit()) return sample;
        return new PixelSample(Flip(sample.Image), sample.Mask is { } mask ? Flip(mask) : null);
    }

    public static RgbImage Flip(RgbImage image)
    {
        var output = new RgbImage(image.Width, image.Height);
        int stride = image.Width * 3;
        for (int y = 0; y < image.Height; y++)
        {
            var src = image.Pixels.AsSpan(y * stride, stride);
            var dst = output.Pixels.AsSpan(y * stride, stride);
            for (int x = 0; x < image.Width; x++) src.Slice(x * 3, 3).CopyTo(dst.Slice((image.Width - 1 - x) * 3, 3));
        }
        return output;
    }

    public static LabelMap Flip(LabelMap mask)
    {
        var output = new LabelMap(mask.Width, mask.Height);
        for (int y = 0; y < mask.Height; y++)
        {
            var row = output.Labels.AsSpan(y * mask.Width, mask.Width);
            mask.Labels.AsSpan(y * mask.Width, mask.Width).CopyTo(row);
            row.Reverse();
        }
        return output;
    }
}
