namespace PuzzleCam.Data.Transforms;

/// <summary>
/// The reference's RandomCrop / RandomCrop_For_Segmentation: a <see cref="Size"/>² canvas of 0.0 (image) and 255 (mask).
/// Per axis, with space = dim − size: if space &gt; 0 a window starting uniformly in [0, space] is cut from the image;
/// otherwise (space == 0 included) the whole extent is pasted at a canvas offset uniform in [0, −space], so a small image
/// lands at a random place inside the padding. The horizontal axis is drawn before the vertical one.
/// </summary>
public sealed class RandomCrop : INormalizedTransform
{
    public RandomCrop(int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "crop size must be positive");
        Size = size;
    }

    public int Size { get; }

    public TransformedSample Apply(TransformedSample sample, RandomSource random)
    {
        var (imageLeft, canvasLeft) = Offsets(sample.Image.Width, Size, random);
        var (imageTop, canvasTop) = Offsets(sample.Image.Height, Size, random);
        var window = new CropWindow(imageLeft, imageTop, canvasLeft, canvasTop,
            Math.Min(Size, sample.Image.Width), Math.Min(Size, sample.Image.Height));
        return window.Apply(sample, Size);
    }

    private static (int ImageOffset, int CanvasOffset) Offsets(int dim, int size, RandomSource random)
    {
        int space = dim - size;
        return space > 0 ? (random.NextInt(0, space), 0) : (0, random.NextInt(0, -space));
    }
}

/// <summary>
/// The validation crop (Top_Left_Crop_For_Segmentation): no resize, the top-left min(size, H) × min(size, W) region on a
/// <see cref="Size"/>² canvas padded with 0.0 (image) and 255 (mask). VOC images (≤ 500 px) are kept whole at 512.
/// </summary>
public sealed class TopLeftCrop : INormalizedTransform
{
    public TopLeftCrop(int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "crop size must be positive");
        Size = size;
    }

    public int Size { get; }

    public TransformedSample Apply(TransformedSample sample, RandomSource random) =>
        new CropWindow(0, 0, 0, 0, Math.Min(Size, sample.Image.Width), Math.Min(Size, sample.Image.Height)).Apply(sample, Size);
}

/// <summary>A copy of a Width × Height block from (ImageLeft, ImageTop) of the source to (CanvasLeft, CanvasTop) of a padded square canvas.</summary>
public readonly record struct CropWindow(int ImageLeft, int ImageTop, int CanvasLeft, int CanvasTop, int Width, int Height)
{
    /// <summary>Label of the mask padding, ignored by the losses and metrics.</summary>
    public const byte MaskFill = VocClasses.Ignore;

    public TransformedSample Apply(TransformedSample sample, int size)
    {
        var image = sample.Image;
        if (sample.Mask is { } m && (m.Width != image.Width || m.Height != image.Height))
            throw new ArgumentException($"mask is {m.Width}x{m.Height} but the image is {image.Width}x{image.Height}");
        var canvas = new ChwImage(image.Channels, size, size);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < Height; y++)
                image.Row(c, ImageTop + y).Slice(ImageLeft, Width).CopyTo(canvas.Row(c, CanvasTop + y).Slice(CanvasLeft, Width));

        LabelMap? mask = null;
        if (sample.Mask is { } source)
        {
            mask = new LabelMap(size, size);
            mask.Labels.AsSpan().Fill(MaskFill);
            for (int y = 0; y < Height; y++)
                source.Labels.AsSpan((ImageTop + y) * source.Width + ImageLeft, Width)
                    .CopyTo(mask.Labels.AsSpan((CanvasTop + y) * size + CanvasLeft, Width));
        }
        return new TransformedSample(canvas, mask);
    }
}
