namespace PuzzleCam.Data.Transforms;

/// <summary>
/// The reference's Resize_For_Mask: the (cropped) label map resized with PIL NEAREST to <see cref="Size"/>² — 128 for
/// AffinityNet training, a quarter of the 512 crop, the resolution of its affinity labels. The image is left alone.
/// </summary>
public sealed class ResizeMask(int size) : INormalizedTransform
{
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "mask size must be positive");

    public TransformedSample Apply(TransformedSample sample, RandomSource random)
    {
        var mask = sample.Mask ?? throw new ArgumentException("ResizeMask needs a sample with a mask", nameof(sample));
        return sample with { Mask = PilResize.Nearest(mask, Size, Size) };
    }
}
