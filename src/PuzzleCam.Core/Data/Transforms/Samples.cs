namespace PuzzleCam.Data.Transforms;

/// <summary>A sample before normalisation: 8-bit pixels and, for segmentation-style data, its label map of the same size.</summary>
public readonly record struct PixelSample(RgbImage Image, LabelMap? Mask)
{
    /// <summary>Fails when the mask does not cover the image pixel for pixel.</summary>
    public void CheckMaskSize()
    {
        if (Mask is { } m && (m.Width != Image.Width || m.Height != Image.Height))
            throw new ArgumentException($"mask is {m.Width}x{m.Height} but the image is {Image.Width}x{Image.Height}");
    }
}

/// <summary>
/// A sample ready for the model: the normalised CHW image and the optional label map (0..20, 255 = ignore, including
/// crop padding). Masks stay bytes until collation widens them to the int64 the losses take.
/// </summary>
public sealed record TransformedSample(ChwImage Image, LabelMap? Mask);

/// <summary>A step on 8-bit pixels, before <see cref="Normalize"/>. Steps that draw random numbers draw them from the given stream only.</summary>
public interface IPixelTransform
{
    PixelSample Apply(PixelSample sample, RandomSource random);
}

/// <summary>A step on normalised CHW floats, after <see cref="Normalize"/>.</summary>
public interface INormalizedTransform
{
    TransformedSample Apply(TransformedSample sample, RandomSource random);
}
