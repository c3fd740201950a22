using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Experiments;

/// <summary>
/// How the per-image stages that run a network on a whole image (CAMs, the random walk's edge map, segmentation) keep
/// a large photo within 4 GB of memory. Their networks hold activations in proportion to the pixels they see: on the
/// CPU, for an image and its mirror, the ResNeSt-101 DeepLabv3+ of stage 8 peaked at 1.9 GB on a 1000x1000 input and at
/// 4.1 GB with four scales whose largest was 1632x1224 (2 megapixels) and the CRF. So an image that would give the
/// network more than <see cref="NetworkPixels"/> at its largest scale is refused before any work on it, naming the
/// image and the <c>--max_side</c> that makes it fit. With <c>--max_side</c>, an image whose longer side is longer is
/// shrunk (Pillow's bicubic, as every other resize of the pipeline) before its scales apply, and what the stage writes
/// is brought back to the image's own size, so later stages and evaluation see the sizes they expect.
/// </summary>
public static class LargeImages
{
    /// <summary>The most pixels (width x height) a network input may have: 1.5 megapixels, three quarters of the 4.1 GB peak above.</summary>
    public const long NetworkPixels = 1_500_000;

    /// <summary>
    /// The most pixels an image may have at all: its decoded pixels and the maps written at its size (4 bytes per pixel
    /// and class) must fit beside the network too. 64 megapixels is above any phone's photo.
    /// </summary>
    public const long ImagePixels = 64_000_000;

    /// <summary>The smallest <c>--max_side</c>: below it the network's stride-16 maps have almost nothing left.</summary>
    public const int SmallestMaxSide = 32;

    /// <summary>The error of a <c>--max_side</c> value, or null when it can be used (null itself means no shrinking).</summary>
    public static string? MaxSideProblem(int? maxSide) =>
        maxSide is { } side && side < SmallestMaxSide ? $"--max_side must be at least {SmallestMaxSide}, got {side}" : null;

    /// <summary>The size an image is shrunk to so that its longer side is at most <paramref name="maxSide"/> (unchanged when it already is, or without a limit).</summary>
    public static (int Width, int Height) ShrunkSize(int width, int height, int? maxSide)
    {
        if (maxSide is not { } side || Math.Max(width, height) <= side) return (width, height);
        double factor = (double)side / Math.Max(width, height);
        return (Math.Max(1, (int)Math.Round(width * factor, MidpointRounding.ToEven)), Math.Max(1, (int)Math.Round(height * factor, MidpointRounding.ToEven)));
    }

    /// <summary>The image shrunk to <see cref="ShrunkSize"/>; the image itself when it already fits.</summary>
    public static RgbImage Shrink(RgbImage image, int? maxSide)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = ShrunkSize(image.Width, image.Height, maxSide);
        return w == image.Width && h == image.Height ? image : PilResize.Bicubic(image, w, h);
    }

    /// <summary>
    /// Image <paramref name="id"/> of <paramref name="dataset"/> as a stage's network may take it: checked
    /// (<see cref="Check"/>) from its header before it is decoded, then shrunk (<see cref="Shrink"/>); with the image's
    /// own size, which the stage's outputs are brought back to.
    /// </summary>
    public static (RgbImage Image, int Width, int Height) Read(VocDataset dataset, string id, double largestScale, int? maxSide)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var path = dataset.ImagePath(id);
        var (width, height) = ImageCodec.ReadSize(path);
        Check(path, width, height, largestScale, maxSide);
        return (Shrink(dataset.ReadImage(id), maxSide), width, height);
    }

    /// <summary>
    /// Throws <see cref="BadInputException"/> naming <paramref name="imagePath"/> when the image, shrunk by
    /// <paramref name="maxSide"/> and then scaled by <paramref name="largestScale"/>, would give the network more than
    /// <see cref="NetworkPixels"/>, or when the image itself is beyond <see cref="ImagePixels"/>. The message gives the
    /// largest <c>--max_side</c> that fits.
    /// </summary>
    public static void Check(string imagePath, int width, int height, double largestScale, int? maxSide)
    {
        if ((long)width * height > ImagePixels)
            throw new BadInputException(Invariant($"{imagePath}: a {width}x{height} image ({Megapixels((long)width * height)} megapixels) is beyond the {Megapixels(ImagePixels)} megapixels a stage holds with its maps at the image's size; resize it before the run"));
        if (InputPixels(width, height, largestScale, maxSide) <= NetworkPixels) return;
        var (w, h) = ShrunkSize(width, height, maxSide);
        var (nw, nh) = ScaledSize(w, h, largestScale);
        string shrunk = maxSide is null ? "" : Invariant($" (shrunk by --max_side {maxSide} to {w}x{h})");
        throw new BadInputException(Invariant(
            $"{imagePath}: the {width}x{height} image{shrunk} at scale {largestScale} gives the network {nw}x{nh} pixels ({Megapixels((long)nw * nh)} megapixels), more than the {Megapixels(NetworkPixels)} megapixels that fit in 4 GB; add --max_side {LargestFittingSide(width, height, largestScale)} to infer on a copy shrunk to that longer side (the outputs keep the image's size)"));
    }

    /// <summary>The largest <c>--max_side</c>, a multiple of 16, with which the image at <paramref name="largestScale"/> fits in <see cref="NetworkPixels"/>.</summary>
    public static int LargestFittingSide(int width, int height, double largestScale)
    {
        int side = Math.Max(width, height) / 16 * 16;
        while (side > SmallestMaxSide && InputPixels(width, height, largestScale, side) > NetworkPixels) side -= 16;
        return Math.Max(side, SmallestMaxSide);
    }

    private static long InputPixels(int width, int height, double scale, int? maxSide)
    {
        var (w, h) = ShrunkSize(width, height, maxSide);
        var (nw, nh) = ScaledSize(w, h, scale);
        return (long)nw * nh;
    }

    // Python's round, ties to even, as the stages size their scaled inputs.
    private static (long Width, long Height) ScaledSize(int width, int height, double scale) =>
        ((long)Math.Round(width * scale, MidpointRounding.ToEven), (long)Math.Round(height * scale, MidpointRounding.ToEven));

    private static string Megapixels(long pixels) => (pixels / 1e6).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
