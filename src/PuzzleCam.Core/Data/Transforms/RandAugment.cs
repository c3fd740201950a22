namespace PuzzleCam.Data.Transforms;

/// <summary>The 14 operations of FixMatch's RandAugment pool, in its order.</summary>
public enum RandAugmentOp
{
    AutoContrast, Brightness, Color, Contrast, Equalize, Identity, Posterize, Rotate, Sharpness, ShearX, ShearY, Solarize, TranslateX, TranslateY,
}

/// <summary>
/// FixMatch's <c>RandAugmentMC(n=2, m=10)</c>, the reference's <c>--augment randaugment</c>: two operations drawn with
/// replacement from <see cref="RandAugmentOp"/>, each with a magnitude in 1..9 and applied with probability ½ (the
/// geometric ones with a random sign), then a black 16-pixel <see cref="CutoutAbs"/> at a uniform random centre.
/// Masks pass through untouched (the reference uses it for classification only).
/// </summary>
public sealed class RandAugment : IPixelTransform
{
    /// <summary>Operations drawn per image.</summary>
    public const int Operations = 2;

    /// <summary>The exclusive upper bound of the magnitude draw (FixMatch's m): magnitudes are 1 .. Magnitude − 1.</summary>
    public const int Magnitude = 10;

    /// <summary>Side of the black square cut out of every image (FixMatch's <c>int(32 · 0.5)</c>).</summary>
    public const int CutoutSize = 16;

    private static readonly RandAugmentOp[] Pool = Enum.GetValues<RandAugmentOp>();

    public PixelSample Apply(PixelSample sample, RandomSource random)
    {
        var image = sample.Image;
        Span<RandAugmentOp> ops = stackalloc RandAugmentOp[Operations];
        for (int i = 0; i < ops.Length; i++) ops[i] = Pool[random.NextInt(0, Pool.Length - 1)];
        foreach (var op in ops)
        {
            int v = random.NextInt(1, Magnitude - 1);
            if (random.NextBit()) image = ApplyOp(image, op, v, negate: IsSigned(op) && random.NextBit());
        }
        image = CutoutAbs(image, random.NextUniform(0, image.Width), random.NextUniform(0, image.Height), CutoutSize);
        return sample with { Image = image };
    }

    /// <summary>Whether the operation's direction is flipped by a coin (rotation, shears, translations).</summary>
    public static bool IsSigned(RandAugmentOp op) => op is RandAugmentOp.Rotate or RandAugmentOp.ShearX or RandAugmentOp.ShearY
        or RandAugmentOp.TranslateX or RandAugmentOp.TranslateY;

    /// <summary>
    /// One pool operation at magnitude <paramref name="v"/> (1..9), mapped to its parameter as FixMatch does: enhancer
    /// factor 0.9·v/10 + 0.05, posterize to int(4·v/10) + 4 bits, rotation by int(30·v/10)°, shear 0.3·v/10, solarize
    /// above 256 − int(256·v/10), translation by int(0.3·v/10 · side) pixels. <paramref name="negate"/> flips the
    /// direction of the signed operations (<see cref="IsSigned"/>) and must be false for the others.
    /// </summary>
    public static RgbImage ApplyOp(RgbImage image, RandAugmentOp op, int v, bool negate)
    {
        if (v is < 1 or >= Magnitude) throw new ArgumentOutOfRangeException(nameof(v), $"magnitude must be in 1..{Magnitude - 1}, got {v}");
        if (negate && !IsSigned(op)) throw new ArgumentException($"{op} has no direction to negate", nameof(negate));
        double sign = negate ? -1 : 1;
        return op switch
        {
            RandAugmentOp.AutoContrast => ImageOps.AutoContrast(image),
            RandAugmentOp.Brightness => ImageEnhance.Brightness(image, FloatParameter(v, 0.9) + 0.05),
            RandAugmentOp.Color => ImageEnhance.Color(image, FloatParameter(v, 0.9) + 0.05),
            RandAugmentOp.Contrast => ImageEnhance.Contrast(image, FloatParameter(v, 0.9) + 0.05),
            RandAugmentOp.Equalize => ImageOps.Equalize(image),
            RandAugmentOp.Identity => image,
            RandAugmentOp.Posterize => ImageOps.Posterize(image, IntParameter(v, 4) + 4),
            RandAugmentOp.Rotate => AffineTransform.Rotate(image, sign * IntParameter(v, 30)),
            RandAugmentOp.Sharpness => ImageEnhance.Sharpness(image, FloatParameter(v, 0.9) + 0.05),
            RandAugmentOp.ShearX => AffineTransform.ShearX(image, sign * FloatParameter(v, 0.3)),
            RandAugmentOp.ShearY => AffineTransform.ShearY(image, sign * FloatParameter(v, 0.3)),
            RandAugmentOp.Solarize => ImageOps.Solarize(image, 256 - IntParameter(v, 256)),
            RandAugmentOp.TranslateX => AffineTransform.TranslateX(image, (int)(sign * FloatParameter(v, 0.3) * image.Width)),
            RandAugmentOp.TranslateY => AffineTransform.TranslateY(image, (int)(sign * FloatParameter(v, 0.3) * image.Height)),
            _ => throw new ArgumentOutOfRangeException(nameof(op), $"unknown operation {op}"),
        };
    }

    /// <summary>
    /// FixMatch's <c>CutoutAbs</c> with a black fill: the square of side <paramref name="size"/> whose top-left corner is
    /// the centre minus size/2 (clamped at 0 and truncated), drawn by <c>ImageDraw.rectangle</c>, whose far edges are
    /// inclusive, so an unclipped square covers size + 1 pixels a side.
    /// </summary>
    public static RgbImage CutoutAbs(RgbImage image, double centreX, double centreY, int size)
    {
        int w = image.Width, h = image.Height;
        int x0 = (int)Math.Max(0, centreX - size / 2.0), y0 = (int)Math.Max(0, centreY - size / 2.0);
        int x1 = Math.Min(Math.Min(w, x0 + size), w - 1), y1 = Math.Min(Math.Min(h, y0 + size), h - 1);
        var output = image.Clone();
        for (int y = y0; y <= y1; y++)
            if (x0 <= x1) output.Pixels.AsSpan((y * w + x0) * 3, (x1 - x0 + 1) * 3).Clear();
        return output;
    }

    private static double FloatParameter(int v, double max) => v * max / 10;

    private static int IntParameter(int v, int max) => (int)(v * max / 10.0);
}
