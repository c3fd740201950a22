namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Pillow's <c>ImageOps</c> point operations on RGB images: each builds a 256-entry table per channel and maps every
/// pixel through it, so they are exact integer operations.
/// </summary>
public static class ImageOps
{
    /// <summary>
    /// Stretches each channel so that its darkest value becomes 0 and its brightest 255 (<c>autocontrast()</c> without
    /// cutoff); a channel with a single value is left alone.
    /// </summary>
    public static RgbImage AutoContrast(RgbImage image)
    {
        var histograms = Histograms(image);
        var tables = new byte[3][];
        for (int c = 0; c < 3; c++)
        {
            var histogram = histograms[c];
            int lo = Array.FindIndex(histogram, n => n != 0);
            int hi = Array.FindLastIndex(histogram, n => n != 0);
            var table = tables[c] = Identity();
            if (hi <= lo) continue;
            double scale = 255.0 / (hi - lo);
            double offset = -lo * scale;
            for (int v = 0; v < 256; v++) table[v] = PilConvert.Clip8((int)(v * scale + offset));
        }
        return Map(image, tables);
    }

    /// <summary>
    /// Flattens each channel's histogram (<c>equalize()</c>): the cumulative count is divided into 255 equal steps,
    /// the step ignoring the last occupied value; a channel with one value, or too few pixels for a whole step, is left alone.
    /// </summary>
    public static RgbImage Equalize(RgbImage image)
    {
        var histograms = Histograms(image);
        var tables = new byte[3][];
        for (int c = 0; c < 3; c++)
        {
            var histogram = histograms[c];
            var table = tables[c] = Identity();
            int last = Array.FindLastIndex(histogram, n => n != 0);
            if (histogram.Count(n => n != 0) <= 1) continue;
            long step = (histogram.Sum(n => (long)n) - histogram[last]) / 255;
            if (step == 0) continue;
            long cumulative = step / 2;
            for (int v = 0; v < 256; v++)
            {
                table[v] = (byte)Math.Min(cumulative / step, 255);
                cumulative += histogram[v];
            }
        }
        return Map(image, tables);
    }

    /// <summary>Keeps the top <paramref name="bits"/> bits of every channel value (<c>posterize()</c>), 1..8.</summary>
    public static RgbImage Posterize(RgbImage image, int bits)
    {
        if (bits is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(bits), $"posterize keeps 1 to 8 bits, got {bits}");
        int mask = ~((1 << (8 - bits)) - 1);
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)(v & mask);
        return Map(image, [table, table, table]);
    }

    /// <summary>Inverts every channel value at or above <paramref name="threshold"/> (<c>solarize()</c>); 256 changes nothing.</summary>
    public static RgbImage Solarize(RgbImage image, int threshold)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)(v < threshold ? v : 255 - v);
        return Map(image, [table, table, table]);
    }

    private static byte[] Identity()
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)v;
        return table;
    }

    private static int[][] Histograms(RgbImage image)
    {
        var histograms = new[] { new int[256], new int[256], new int[256] };
        var pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i += 3)
        {
            histograms[0][pixels[i]]++;
            histograms[1][pixels[i + 1]]++;
            histograms[2][pixels[i + 2]]++;
        }
        return histograms;
    }

    private static RgbImage Map(RgbImage image, byte[][] tables)
    {
        var output = new RgbImage(image.Width, image.Height);
        var src = image.Pixels;
        var dst = output.Pixels;
        for (int i = 0; i < src.Length; i += 3)
        {
            dst[i] = tables[0][src[i]];
            dst[i + 1] = tables[1][src[i + 1]];
            dst[i + 2] = tables[2][src[i + 2]];
        }
        return output;
    }
}
