namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Pillow's colour conversions of 8-bit RGB (<c>Image.convert("L")</c> and <c>"HSV"</c> and back), with its integer and
/// float arithmetic kept operation for operation: the colour augmentations blend towards, or shift within, exactly
/// these values, so a conversion that rounded differently would move pixels by a level.
/// </summary>
public static class PilConvert
{
    /// <summary>
    /// The luma of each pixel (ITU-R 601-2, Pillow's 16-bit fixed-point weights with rounding), as <c>convert("L")</c>.
    /// </summary>
    public static byte[] Grayscale(RgbImage image)
    {
        var rgb = image.Pixels;
        var luma = new byte[image.Width * image.Height];
        for (int i = 0; i < luma.Length; i++)
            luma[i] = (byte)((rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16);
        return luma;
    }

    /// <summary>RGB triples to Pillow's 8-bit HSV triples (hue 0..255 for a full turn), as <c>convert("HSV")</c>.</summary>
    public static void RgbToHsv(ReadOnlySpan<byte> rgb, Span<byte> hsv)
    {
        CheckLengths(rgb.Length, hsv.Length);
        for (int i = 0; i < rgb.Length; i += 3)
        {
            byte r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
            byte max = Math.Max(r, Math.Max(g, b));
            byte min = Math.Min(r, Math.Min(g, b));
            hsv[i + 2] = max;
            if (min == max)
            {
                hsv[i] = 0;
                hsv[i + 1] = 0;
                continue;
            }
            // Pillow mixes float variables with double constants; each cast below marks where its C code rounds to float.
            float range = max - min;
            float s = range / max;
            float rc = (max - r) / range, gc = (max - g) / range, bc = (max - b) / range;
            float h = r == max ? bc - gc
                : g == max ? (float)(2.0 + rc - bc)
                : (float)(4.0 + gc - rc);
            h = (float)((h / 6.0 + 1.0) % 1.0);
            hsv[i] = Clip8((int)(h * 255.0));
            hsv[i + 1] = Clip8((int)(s * 255.0));
        }
    }

    /// <summary>Pillow's 8-bit HSV triples back to RGB, as <c>Image.merge("HSV", ...).convert("RGB")</c>.</summary>
    public static void HsvToRgb(ReadOnlySpan<byte> hsv, Span<byte> rgb)
    {
        CheckLengths(hsv.Length, rgb.Length);
        for (int i = 0; i < hsv.Length; i += 3)
        {
            byte h = hsv[i], s = hsv[i + 1], v = hsv[i + 2];
            if (s == 0)
            {
                rgb[i] = rgb[i + 1] = rgb[i + 2] = v;
                continue;
            }
            int sector = (int)Math.Floor((float)h * 6.0 / 255.0);
            float f = (float)((float)h * 6.0 / 255.0 - sector);
            float fs = (float)(s / 255.0);
            byte p = Clip8((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
            byte q = Clip8((int)Math.Round(v * (1.0 - fs * f), MidpointRounding.AwayFromZero));
            byte t = Clip8((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
            (rgb[i], rgb[i + 1], rgb[i + 2]) = (sector % 6) switch
            {
                0 => (v, t, p),
                1 => (q, v, p),
                2 => (p, v, t),
                3 => (p, q, v),
                4 => (t, p, v),
                _ => (v, p, q),
            };
        }
    }

    internal static byte Clip8(int value) => (byte)Math.Clamp(value, 0, 255);

    private static void CheckLengths(int input, int output)
    {
        if (input % 3 != 0) throw new ArgumentException($"expected whole pixel triples, got {input} bytes");
        if (output < input) throw new ArgumentException($"output holds {output} bytes, the input {input}");
    }
}
