using SkiaSharp;

namespace PuzzleCam.Data.Synthetic;

/// <summary>
/// The body of an object: a smooth star-shaped blob with radius R·(1 + Σₖ aₖ·cos(kθ + φₖ)), k = 2..5, squashed by
/// <see cref="Aspect"/> and rotated. One family for every class, so the outline alone says "object" but never which.
/// Membership uses only +, −, ×, ÷ and √, which IEEE 754 rounds exactly, so a mask is the same bit for bit on
/// every platform.
/// </summary>
internal sealed class BlobShape
{
    private const int FirstHarmonic = 2;

    // Decreasing amplitudes keep the outline smooth; their sum (0.31) keeps the radius positive and the body roomy
    // enough inside for a badge.
    private static readonly double[] MaxAmplitude = [0.14, 0.09, 0.05, 0.03];

    private readonly double[] _amplitude;
    private readonly double[] _phaseCos;
    private readonly double[] _phaseSin;

    private BlobShape(double cx, double cy, double radius, double aspect, (double X, double Y) axis,
        double[] amplitude, double[] phaseCos, double[] phaseSin)
    {
        Cx = cx;
        Cy = cy;
        Radius = radius;
        Aspect = aspect;
        AxisX = axis.X;
        AxisY = axis.Y;
        _amplitude = amplitude;
        _phaseCos = phaseCos;
        _phaseSin = phaseSin;
        MaxRadialFactor = 1 + amplitude.Sum();
    }

    public double Cx { get; }
    public double Cy { get; }

    /// <summary>Mean radius along the long axis, in pixels.</summary>
    public double Radius { get; }

    /// <summary>Short-axis to long-axis ratio.</summary>
    public double Aspect { get; }

    /// <summary>Unit vector of the long axis.</summary>
    public double AxisX { get; }
    public double AxisY { get; }

    /// <summary>Upper bound of the radial factor: no point of the body lies further than Radius times this.</summary>
    public double MaxRadialFactor { get; }

    /// <summary>Exact area: the cross terms of the squared radius integrate to zero over a turn.</summary>
    public double Area
    {
        get
        {
            double sum = 0;
            foreach (var a in _amplitude) sum += a * a;
            return Math.PI * Radius * Radius * Aspect * (1 + 0.5 * sum);
        }
    }

    public static BlobShape Sample(SplitMix64 rng, double cx, double cy, double radius)
    {
        double aspect = rng.Uniform(0.55, 1.0);
        var axis = rng.UnitVector();
        int n = MaxAmplitude.Length;
        var amplitude = new double[n];
        var phaseCos = new double[n];
        var phaseSin = new double[n];
        for (int i = 0; i < n; i++)
        {
            amplitude[i] = rng.Uniform(0, MaxAmplitude[i]);
            (phaseCos[i], phaseSin[i]) = rng.UnitVector();
        }
        return new BlobShape(cx, cy, radius, aspect, axis, amplitude, phaseCos, phaseSin);
    }

    /// <summary>Radial factor in the direction (c, s) = (cos θ, sin θ) of the body's own frame.</summary>
    private double RadialFactor(double c, double s)
    {
        // cos kθ and sin kθ by repeated rotation (complex powers of c + i·s), then cos(kθ + φ) by the sum formula.
        double ck = c, sk = s;
        for (int k = 1; k < FirstHarmonic; k++) (ck, sk) = (ck * c - sk * s, sk * c + ck * s);
        double f = 1;
        for (int i = 0; i < _amplitude.Length; i++)
        {
            f += _amplitude[i] * (ck * _phaseCos[i] - sk * _phaseSin[i]);
            (ck, sk) = (ck * c - sk * s, sk * c + ck * s);
        }
        return f;
    }

    /// <summary>Whether the point (x, y), in pixel coordinates (pixel centres at +0.5), is inside the body.</summary>
    public bool Contains(double x, double y)
    {
        double dx = x - Cx, dy = y - Cy;
        double u = (dx * AxisX + dy * AxisY) / Radius;
        double v = (dy * AxisX - dx * AxisY) / (Radius * Aspect);
        double r2 = u * u + v * v;
        if (r2 == 0) return true;
        if (r2 >= MaxRadialFactor * MaxRadialFactor) return false;
        double r = Math.Sqrt(r2);
        return r < RadialFactor(u / r, v / r);
    }

    /// <summary>Appends the indices (y·size + x) of the pixels of a size×size image whose centres lie inside the body.</summary>
    public void Rasterize(int size, List<int> pixels)
    {
        double extent = Radius * MaxRadialFactor;
        int x0 = Math.Max(0, (int)Math.Floor(Cx - extent)), x1 = Math.Min(size - 1, (int)Math.Ceiling(Cx + extent));
        int y0 = Math.Max(0, (int)Math.Floor(Cy - extent)), y1 = Math.Min(size - 1, (int)Math.Ceiling(Cy + extent));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
                if (Contains(x + 0.5, y + 0.5)) pixels.Add(y * size + x);
    }

    /// <summary>The outline as a closed polygon, fine enough to stay well within a tenth of a pixel of the curve.</summary>
    public SKPath ToPath()
    {
        int vertices = Math.Clamp((int)(Radius * MaxRadialFactor * 2), 48, 512);
        var path = new SKPath();
        for (int i = 0; i < vertices; i++)
        {
            double t = 2 * Math.PI * i / vertices, c = Math.Cos(t), s = Math.Sin(t);
            double f = RadialFactor(c, s);
            double u = Radius * f * c, v = Radius * Aspect * f * s;
            var p = new SKPoint((float)(Cx + u * AxisX - v * AxisY), (float)(Cy + u * AxisY + v * AxisX));
            if (i == 0) path.MoveTo(p);
            else path.LineTo(p);
        }
        path.Close();
        return path;
    }
}
