using SkiaSharp;

namespace PuzzleCam.Data.Synthetic;

/// <summary>The five badge outlines; each class wears one of them in one of four colours.</summary>
internal enum BadgeShape
{
    Star,
    Ring,
    Cross,
    Triangle,
    Square,
}

/// <summary>
/// The class-specific mark on every object: class i wears shape <c>i mod 5</c> in colour <c>i div 5</c>, so two
/// classes share either a shape or a colour but never both, and a classifier must read the combination.
/// </summary>
internal static class ClassBadge
{
    public const int ShapeCount = 5;

    /// <summary>Saturated colours, far from the muted body palette, so a badge stands out as a small part.</summary>
    public static IReadOnlyList<SKColor> Colours { get; } =
    [
        new(226, 32, 38),
        new(248, 206, 24),
        new(36, 92, 236),
        new(32, 186, 64),
    ];

    public static BadgeShape ShapeOf(int classIndex) => (BadgeShape)(classIndex % ShapeCount);

    public static SKColor ColourOf(int classIndex) => Colours[classIndex / ShapeCount];

    /// <summary>
    /// The badge outline centred at (x, y), fitting a circle of <paramref name="radius"/>, turned so that its first
    /// vertex points along the unit vector (ux, uy).
    /// </summary>
    public static SKPath Path(BadgeShape shape, double x, double y, double radius, double ux, double uy)
    {
        var path = new SKPath();
        if (shape == BadgeShape.Ring)
        {
            // Even-odd fill leaves the hole open, so the body shows through it.
            path.FillType = SKPathFillType.EvenOdd;
            path.AddCircle((float)x, (float)y, (float)radius);
            path.AddCircle((float)x, (float)y, (float)(radius * 0.52));
            return path;
        }
        var local = shape switch
        {
            BadgeShape.Star => Polar(10, i => i % 2 == 0 ? 1.0 : 0.42),
            BadgeShape.Triangle => Polar(3, _ => 1.0),
            BadgeShape.Square => Polar(4, _ => 0.9),
            BadgeShape.Cross => CrossOutline(0.3),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown badge shape"),
        };
        for (int i = 0; i < local.Length; i++)
        {
            var (a, b) = local[i];
            var p = new SKPoint((float)(x + radius * (a * ux - b * uy)), (float)(y + radius * (a * uy + b * ux)));
            if (i == 0) path.MoveTo(p);
            else path.LineTo(p);
        }
        path.Close();
        return path;
    }

    private static (double, double)[] Polar(int vertices, Func<int, double> radius) =>
        Enumerable.Range(0, vertices)
            .Select(i => (t: 2 * Math.PI * i / vertices, r: radius(i)))
            .Select(p => (p.r * Math.Cos(p.t), p.r * Math.Sin(p.t)))
            .ToArray();

    /// <summary>A plus sign with arms of half-width <paramref name="h"/> reaching the unit circle.</summary>
    private static (double, double)[] CrossOutline(double h) =>
    [
        (1, -h), (1, h), (h, h), (h, 1), (-h, 1), (-h, h),
        (-1, h), (-1, -h), (-h, -h), (-h, -1), (h, -1), (h, -h),
    ];
}
