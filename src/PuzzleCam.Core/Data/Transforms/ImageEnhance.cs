namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Pillow's <c>ImageEnhance</c>: each enhancer blends the image with a degenerate version of itself,
/// <c>degenerate + factor · (image − degenerate)</c>. A factor of 1 gives the image back, 0 the degenerate image,
/// other values interpolate or extrapolate (then the result is clipped).
/// </summary>
public static class ImageEnhance
{
    /// <summary>Blends towards black.</summary>
    public static RgbImage Brightness(RgbImage image, double factor) => Blend(new RgbImage(image.Width, image.Height), image, factor);

    /// <summary>Blends towards the image's grey version (<c>ImageEnhance.Color</c>, torchvision's saturation).</summary>
    public static RgbImage Color(RgbImage image, double factor)
    {
        var luma = PilConvert.Grayscale(image);
        var grey = new RgbImage(image.Width, image.Height);
        for (int i = 0; i < luma.Length; i++) grey.Pixels[3 * i] = grey.Pixels[3 * i + 1] = grey.Pixels[3 * i + 2] = luma[i];
        return Blend(grey, image, factor);
    }

    /// <summary>Blends towards a flat grey at the rounded mean luma of the image.</summary>
    public static RgbImage Contrast(RgbImage image, double factor)
    {
        long sum = 0;
        foreach (byte l in PilConvert.Grayscale(image)) sum += l;
        // ImageStat's mean is the exact integer sum divided in double precision, then rounded half up by int(mean + 0.5).
        byte mean = (byte)(int)((double)sum / (image.Width * image.Height) + 0.5);
        var flat = new RgbImage(image.Width, image.Height);
        flat.Pixels.AsSpan().Fill(mean);
        return Blend(flat, image, factor);
    }

    /// <summary>Blends towards the image smoothed by Pillow's <c>ImageFilter.SMOOTH</c>; factors above 1 sharpen.</summary>
    public static RgbImage Sharpness(RgbImage image, double factor) => Blend(Smooth(image), image, factor);

    /// <summary>
    /// <c>Image.blend(degenerate, image, alpha)</c>: the factor is narrowed to a float and the arithmetic is single
    /// precision; inside [0, 1] the result truncates, outside it is clipped to [0, 255] first.
    /// </summary>
    public static RgbImage Blend(RgbImage degenerate, RgbImage image, double alpha)
    {
        if (degenerate.Width != image.Width || degenerate.Height != image.Height)
            throw new ArgumentException($"cannot blend a {degenerate.Width}x{degenerate.Height} image with a {image.Width}x{image.Height} one");
        float a = (float)alpha;
        if (a == 0f) return degenerate.Clone();
        if (a == 1f) return image.Clone();
        var from = degenerate.Pixels;
        var to = image.Pixels;
        var output = new RgbImage(image.Width, image.Height);
        var result = output.Pixels;
        if (a >= 0f && a <= 1f)
        {
            for (int i = 0; i < result.Length; i++) result[i] = (byte)(int)(from[i] + a * (to[i] - from[i]));
        }
        else
        {
            for (int i = 0; i < result.Length; i++)
            {
                float v = from[i] + a * (to[i] - from[i]);
                result[i] = v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)(int)v;
            }
        }
        return output;
    }

    /// <summary>
    /// <c>ImageFilter.SMOOTH</c>: the 3×3 kernel (1 1 1 / 1 5 1 / 1 1 1) / 13, rounded to nearest; Pillow leaves the
    /// one-pixel border as it was.
    /// </summary>
    private static RgbImage Smooth(RgbImage image)
    {
        int w = image.Width, h = image.Height, stride = 3 * w;
        var output = image.Clone();
        if (w < 3 || h < 3) return output;
        const float edge = 1f / 13f, centre = 5f / 13f;
        var src = image.Pixels;
        var dst = output.Pixels;
        for (int y = 1; y < h - 1; y++)
        {
            for (int x = 1; x < w - 1; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int i = y * stride + 3 * x + c;
                    int ring = src[i - stride - 3] + src[i - stride] + src[i - stride + 3]
                        + src[i - 3] + src[i + 3]
                        + src[i + stride - 3] + src[i + stride] + src[i + stride + 3];
                    // Sums over thirteenths never land within 1/26 of a half, so float rounding cannot change the result.
                    float sum = ring * edge + src[i] * centre;
                    dst[i] = sum <= 0f ? (byte)0 : sum >= 255f ? (byte)255 : (byte)(int)(sum + 0.5f);
                }
            }
        }
        return output;
    }
}
