namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Pillow's <c>Image.transform(size, AFFINE, (a, b, c, d, e, f), NEAREST)</c> on an RGB image, and the rotation,
/// shears and translations RandAugment builds from it. The matrix maps output to input coordinates: the output pixel
/// (x, y) takes the input pixel that contains (a·x' + b·y' + c, d·x' + e·y' + f) at the pixel centre x' = x + ½,
/// y' = y + ½; pixels that land outside the input are black. The output has the input's size.
/// </summary>
public static class AffineTransform
{
    /// <summary>
    /// The resampling Pillow does, decision for decision: a matrix without rotation or shear (b = d = 0) takes its
    /// scaling path (float positions, tabulated per column); any other takes the 16.16 fixed-point path, whose
    /// rounding of the coefficients decides which pixel is sampled.
    /// </summary>
    public static RgbImage Nearest(RgbImage image, double a, double b, double c, double d, double e, double f) =>
        b == 0 && d == 0 ? Scale(image, a, c, e, f) : FixedPoint(image, a, b, c, d, e, f);

    /// <summary>
    /// <c>img.rotate(degrees)</c>: counter-clockwise about the image centre, same size, NEAREST, black corners.
    /// Multiples of 90° are refused: Pillow turns those into exact transpositions, which this does not reproduce.
    /// </summary>
    public static RgbImage Rotate(RgbImage image, double degrees)
    {
        double turned = PythonModulo(degrees, 360.0);
        if (turned % 90.0 == 0) throw new ArgumentOutOfRangeException(nameof(degrees), $"rotations by multiples of 90 degrees are not supported, got {degrees}");
        // Python's math.radians multiplies by the rounded constant pi/180; the coefficients are then rounded to 15
        // decimals as Image.rotate does, which is what makes them sit exactly on the fixed-point grid Pillow uses.
        double angle = -(turned * (Math.PI / 180.0));
        double cos = RoundDecimals(Math.Cos(angle)), sin = RoundDecimals(Math.Sin(angle)), negSin = RoundDecimals(-Math.Sin(angle));
        double cx = image.Width / 2.0, cy = image.Height / 2.0;
        double c = cos * -cx + sin * -cy + 0.0 + cx;
        double f = negSin * -cx + cos * -cy + 0.0 + cy;
        return Nearest(image, cos, sin, c, negSin, cos, f);
    }

    /// <summary>Horizontal shear <c>(1, shear, 0, 0, 1, 0)</c>: row y is shifted left by shear · (y + ½) pixels.</summary>
    public static RgbImage ShearX(RgbImage image, double shear) => Nearest(image, 1, shear, 0, 0, 1, 0);

    /// <summary>Vertical shear <c>(1, 0, 0, shear, 1, 0)</c>: column x is shifted up by shear · (x + ½) pixels.</summary>
    public static RgbImage ShearY(RgbImage image, double shear) => Nearest(image, 1, 0, 0, shear, 1, 0);

    /// <summary>Moves the content left by <paramref name="pixels"/> (right when negative), as <c>(1, 0, pixels, 0, 1, 0)</c>.</summary>
    public static RgbImage TranslateX(RgbImage image, int pixels) => Nearest(image, 1, 0, pixels, 0, 1, 0);

    /// <summary>Moves the content up by <paramref name="pixels"/> (down when negative), as <c>(1, 0, 0, 0, 1, pixels)</c>.</summary>
    public static RgbImage TranslateY(RgbImage image, int pixels) => Nearest(image, 1, 0, 0, 0, 1, pixels);

    private static RgbImage Scale(RgbImage image, double a, double c, double e, double f)
    {
        int w = image.Width, h = image.Height;
        var output = new RgbImage(w, h);
        var columns = new int[w];
        double xo = c + a * 0.5;
        for (int x = 0; x < w; x++, xo += a) columns[x] = Coordinate(xo);
        double yo = f + e * 0.5;
        for (int y = 0; y < h; y++, yo += e)
        {
            int row = Coordinate(yo);
            if (row < 0 || row >= h) continue;
            for (int x = 0; x < w; x++)
            {
                int column = columns[x];
                if (column >= 0 && column < w) CopyPixel(image, column, row, output, x, y);
            }
        }
        return output;
    }

    private static RgbImage FixedPoint(RgbImage image, double a, double b, double c, double d, double e, double f)
    {
        int w = image.Width, h = image.Height;
        // Pillow switches to a float path when a corner maps beyond ±32768 (the 16.16 range); at the sizes training
        // uses that never happens, so such images are refused rather than resampled differently.
        if (!InFixedRange(a, b, c, d, e, f, 0, 0) || !InFixedRange(a, b, c, d, e, f, w, h)
            || !InFixedRange(a, b, c, d, e, f, 0, h) || !InFixedRange(a, b, c, d, e, f, w, 0))
            throw new ArgumentException($"a {w}x{h} image maps beyond the 16.16 fixed-point range of the affine transform");
        int a0 = Fixed(a), a1 = Fixed(b), a3 = Fixed(d), a4 = Fixed(e);
        int rowX = Fixed(c + a * 0.5 + b * 0.5);
        int rowY = Fixed(f + d * 0.5 + e * 0.5);
        var output = new RgbImage(w, h);
        for (int y = 0; y < h; y++, rowX += a1, rowY += a4)
        {
            int xx = rowX, yy = rowY;
            for (int x = 0; x < w; x++, xx += a0, yy += a3)
            {
                int column = xx >> 16, row = yy >> 16;
                if (column >= 0 && column < w && row >= 0 && row < h) CopyPixel(image, column, row, output, x, y);
            }
        }
        return output;
    }

    private static bool InFixedRange(double a, double b, double c, double d, double e, double f, int x, int y) =>
        Math.Abs(x * a + y * b + c) < 32768.0 && Math.Abs(x * d + y * e + f) < 32768.0;

    // 16.16 with round-half-up, flooring (not truncating) negative values.
    private static int Fixed(double v)
    {
        double scaled = v * 65536.0 + 0.5;
        return scaled < 0 ? (int)Math.Floor(scaled) : (int)scaled;
    }

    // Pillow's nearest-pixel index: truncation, but every negative position is outside (−0.5 must not become pixel 0).
    private static int Coordinate(double v) => v < 0 ? -1 : (int)v;

    private static void CopyPixel(RgbImage source, int sx, int sy, RgbImage target, int tx, int ty) =>
        source.Pixels.AsSpan((sy * source.Width + sx) * 3, 3).CopyTo(target.Pixels.AsSpan((ty * target.Width + tx) * 3, 3));

    // Python's float %, whose result takes the sign of the divisor.
    private static double PythonModulo(double value, double divisor)
    {
        double r = value % divisor;
        return r != 0 && (r < 0) != (divisor < 0) ? r + divisor : r;
    }

    // Python's round(x, 15): the decimal nearest to the exact binary value, read back as the nearest double. .NET
    // formats doubles exactly for a fixed number of decimals, and parses correctly rounded.
    private static double RoundDecimals(double v) =>
        double.Parse(v.ToString("F15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
