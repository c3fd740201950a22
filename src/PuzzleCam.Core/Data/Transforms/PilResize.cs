namespace PuzzleCam.Data.Transforms;

/// <summary>
/// <c>Image.resize</c> of Pillow (7 and later; the reference ran 9.4) for BICUBIC and NEAREST, reproduced to the bit:
/// every augmentation and every multi-scale CAM input of the reference went through these resamplers, and a port that
/// resamples differently sees slightly different pixels everywhere.
/// </summary>
/// <remarks>
/// BICUBIC is Pillow's two-pass separable convolution: a Keys cubic (a = −0.5) whose support widens with the downscale
/// factor (so it antialiases), weights normalised per output pixel in double and then rounded to signed fixed point with
/// 22 fraction bits; the horizontal pass runs first into an 8-bit intermediate image holding only the rows the vertical
/// pass reads, and a pass is skipped when its dimension does not change. Each pass rounds by adding half a unit and
/// shifting, then clamps to [0, 255]. NEAREST is Pillow's affine scaler: output pixel centres mapped back by the size
/// ratio, with the source position accumulated by repeated addition and truncated.
/// </remarks>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 2.0;

    /// <summary>Bicubic resize of an RGB image; the same size gives a copy (as Pillow).</summary>
    public static RgbImage Bicubic(RgbImage image, int width, int height)
    {
        CheckSize(width, height);
        if (width == image.Width && height == image.Height) return image.Clone();
        return new RgbImage(width, height, Bicubic(image.Pixels, image.Width, image.Height, 3, width, height));
    }

    /// <summary>Nearest-neighbour resize of an RGB image; the same size gives a copy.</summary>
    public static RgbImage Nearest(RgbImage image, int width, int height)
    {
        CheckSize(width, height);
        if (width == image.Width && height == image.Height) return image.Clone();
        return new RgbImage(width, height, Nearest(image.Pixels, image.Width, image.Height, 3, width, height));
    }

    /// <summary>Nearest-neighbour resize of a label map (labels are never blended); the same size gives a copy.</summary>
    public static LabelMap Nearest(LabelMap map, int width, int height)
    {
        CheckSize(width, height);
        if (width == map.Width && height == map.Height) return new LabelMap(width, height, (byte[])map.Labels.Clone());
        return new LabelMap(width, height, Nearest(map.Labels, map.Width, map.Height, 1, width, height));
    }

    /// <summary>Bicubic resize of interleaved 8-bit pixels with <paramref name="channels"/> channels per pixel.</summary>
    public static byte[] Bicubic(ReadOnlySpan<byte> source, int inWidth, int inHeight, int channels, int outWidth, int outHeight)
    {
        CheckLayout(source, inWidth, inHeight, channels);
        CheckSize(outWidth, outHeight);
        var horizontal = Kernel.For(inWidth, outWidth);
        var vertical = Kernel.For(inHeight, outHeight);
        bool needHorizontal = outWidth != inWidth;
        bool needVertical = outHeight != inHeight;

        if (!needHorizontal && !needVertical) return source.ToArray();
        if (!needHorizontal) return ResampleVertical(source, inWidth, channels, vertical, 0);

        // Only the source rows some output row reads are resampled horizontally.
        int firstRow = vertical.First[0];
        int lastRow = vertical.First[outHeight - 1] + vertical.Count[outHeight - 1];
        var temp = ResampleHorizontal(source, inWidth, channels, horizontal, firstRow, lastRow - firstRow);
        return needVertical ? ResampleVertical(temp, outWidth, channels, vertical, firstRow) : temp;
    }

    /// <summary>Nearest-neighbour resize of interleaved 8-bit pixels with <paramref name="channels"/> channels per pixel.</summary>
    public static byte[] Nearest(ReadOnlySpan<byte> source, int inWidth, int inHeight, int channels, int outWidth, int outHeight)
    {
        CheckLayout(source, inWidth, inHeight, channels);
        CheckSize(outWidth, outHeight);
        var columns = NearestPositions(inWidth, outWidth);
        var rows = NearestPositions(inHeight, outHeight);
        var output = new byte[outWidth * outHeight * channels];
        for (int y = 0; y < outHeight; y++)
        {
            if (rows[y] < 0) continue;
            var srcRow = source.Slice(rows[y] * inWidth * channels, inWidth * channels);
            var dstRow = output.AsSpan(y * outWidth * channels, outWidth * channels);
            for (int x = 0; x < outWidth; x++)
            {
                if (columns[x] < 0) continue;
                srcRow.Slice(columns[x] * channels, channels).CopyTo(dstRow.Slice(x * channels, channels));
            }
        }
        return output;
    }

    // Pillow steps the source coordinate by repeated addition rather than computing (i + 0.5) * ratio, and the rounding
    // drift decides which source pixel some outputs take, so the positions are accumulated the same way. A position
    // that falls outside the source (possible only through that drift) leaves the pixel at the fill value 0, as Pillow does.
    private static int[] NearestPositions(int inSize, int outSize)
    {
        double step = (double)inSize / outSize;
        double position = step * 0.5;
        var index = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int source = position < 0.0 ? -1 : (int)position;
            index[i] = source < inSize ? source : -1;
            position += step;
        }
        return index;
    }

    private static byte[] ResampleHorizontal(ReadOnlySpan<byte> source, int inWidth, int channels, Kernel kernel, int firstRow, int rows)
    {
        int outWidth = kernel.OutSize;
        var output = new byte[outWidth * rows * channels];
        int inStride = inWidth * channels;
        for (int y = 0; y < rows; y++)
        {
            var src = source.Slice((y + firstRow) * inStride, inStride);
            int dst = y * outWidth * channels;
            for (int xx = 0; xx < outWidth; xx++)
            {
                var weights = kernel.Weights(xx);
                int start = kernel.First[xx] * channels;
                int at = dst + xx * channels;
                if (channels == 3)
                {
                    // RGB, the common case: one walk over the taps for all three channels.
                    int r = 1 << (PrecisionBits - 1), g = r, b = r;
                    for (int i = 0; i < weights.Length; i++)
                    {
                        int w = weights[i], o = start + i * 3;
                        r += src[o] * w;
                        g += src[o + 1] * w;
                        b += src[o + 2] * w;
                    }
                    output[at] = Clip8(r);
                    output[at + 1] = Clip8(g);
                    output[at + 2] = Clip8(b);
                    continue;
                }
                for (int c = 0; c < channels; c++)
                {
                    int sum = 1 << (PrecisionBits - 1);
                    for (int i = 0; i < weights.Length; i++) sum += src[start + i * channels + c] * weights[i];
                    output[at + c] = Clip8(sum);
                }
            }
        }
        return output;
    }

    // rowOffset: the source row that temp row 0 holds (the horizontal pass kept only the rows in use).
    private static byte[] ResampleVertical(ReadOnlySpan<byte> source, int width, int channels, Kernel kernel, int rowOffset)
    {
        int outHeight = kernel.OutSize;
        int stride = width * channels;
        var output = new byte[stride * outHeight];
        // Integer sums do not depend on the order of addition, so whole rows are accumulated tap by tap (contiguous
        // reads) rather than pixel by pixel down the columns as Pillow loops; the results are identical.
        var sums = new int[stride];
        for (int yy = 0; yy < outHeight; yy++)
        {
            var weights = kernel.Weights(yy);
            int first = kernel.First[yy] - rowOffset;
            Array.Fill(sums, 1 << (PrecisionBits - 1));
            for (int i = 0; i < weights.Length; i++)
            {
                int w = weights[i];
                var row = source.Slice((first + i) * stride, stride);
                for (int j = 0; j < stride; j++) sums[j] += row[j] * w;
            }
            var dst = output.AsSpan(yy * stride, stride);
            for (int j = 0; j < stride; j++) dst[j] = Clip8(sums[j]);
        }
        return output;
    }

    private static byte Clip8(int sum)
    {
        int v = sum >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>Per output index: the first source index, the tap count and the fixed-point weights of one pass.</summary>
    private sealed class Kernel
    {
        private readonly int[] _weights;
        private readonly int _stride;

        private Kernel(int outSize, int stride)
        {
            OutSize = outSize;
            _stride = stride;
            _weights = new int[outSize * stride];
            First = new int[outSize];
            Count = new int[outSize];
        }

        public int OutSize { get; }
        public int[] First { get; }
        public int[] Count { get; }

        public ReadOnlySpan<int> Weights(int output) => _weights.AsSpan(output * _stride, Count[output]);

        // The arithmetic follows Pillow's operation order exactly (same double expressions, truncating casts),
        // because a weight that rounds differently in its last fixed-point bit can flip an output pixel.
        public static Kernel For(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize;
            double filterScale = scale < 1.0 ? 1.0 : scale;
            double support = Support * filterScale;
            int stride = (int)Math.Ceiling(support) * 2 + 1;
            var kernel = new Kernel(outSize, stride);
            var taps = new double[stride];
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                double inverse = 1.0 / filterScale;
                int xmin = (int)(center - support + 0.5);
                if (xmin < 0) xmin = 0;
                int xmax = (int)(center + support + 0.5);
                if (xmax > inSize) xmax = inSize;
                int count = xmax - xmin;
                double total = 0.0;
                for (int x = 0; x < count; x++)
                {
                    double w = Cubic((x + xmin - center + 0.5) * inverse);
                    taps[x] = w;
                    total += w;
                }
                var fixedWeights = kernel._weights.AsSpan(xx * stride, count);
                for (int x = 0; x < count; x++)
                {
                    double w = total != 0.0 ? taps[x] / total : taps[x];
                    fixedWeights[x] = w < 0
                        ? (int)(-0.5 + w * (1 << PrecisionBits))
                        : (int)(0.5 + w * (1 << PrecisionBits));
                }
                kernel.First[xx] = xmin;
                kernel.Count[xx] = count;
            }
            return kernel;
        }
    }

    private static void CheckSize(int width, int height)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "output width must be positive");
        if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "output height must be positive");
    }

    private static void CheckLayout(ReadOnlySpan<byte> source, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new ArgumentException($"bad source layout {width}x{height}x{channels}", nameof(source));
        if (source.Length != width * height * channels)
            throw new ArgumentException($"{width}x{height}x{channels} pixels need {width * height * channels} bytes, got {source.Length}", nameof(source));
    }
}
