namespace PuzzleCam.Interactive;

/// <summary>
/// A colour scale for scalar maps (CAMs, tensors): values in [0, 1] go to RGB by linear interpolation between control
/// colours spaced evenly over the range.
/// </summary>
public sealed class ColorMap
{
    private readonly byte[] _lookup = new byte[256 * 3];

    private ColorMap(string name, params (byte R, byte G, byte B)[] stops)
    {
        Name = name;
        for (int i = 0; i < 256; i++)
        {
            double position = i / 255.0 * (stops.Length - 1);
            int low = Math.Min((int)position, stops.Length - 2);
            double t = position - low;
            var (a, b) = (stops[low], stops[low + 1]);
            _lookup[i * 3] = (byte)Math.Round(a.R + (b.R - a.R) * t);
            _lookup[i * 3 + 1] = (byte)Math.Round(a.G + (b.G - a.G) * t);
            _lookup[i * 3 + 2] = (byte)Math.Round(a.B + (b.B - a.B) * t);
        }
    }

    public string Name { get; }

    /// <summary>Blue through cyan, yellow to red: the scale of the paper's CAM figures (OpenCV's COLORMAP_JET).</summary>
    public static ColorMap Jet { get; } = new("jet", (0, 0, 128), (0, 0, 255), (0, 128, 255), (0, 255, 255), (128, 255, 128), (255, 255, 0), (255, 128, 0), (255, 0, 0), (128, 0, 0));

    /// <summary>Dark violet to yellow with even perceived brightness steps; reads well in grey print.</summary>
    public static ColorMap Viridis { get; } = new("viridis", (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37));

    public static ColorMap Gray { get; } = new("gray", (0, 0, 0), (255, 255, 255));

    public override string ToString() => Name;

    /// <summary>The colour of <paramref name="value"/>, clamped to [0, 1]; NaN maps to 0.</summary>
    public (byte R, byte G, byte B) this[double value]
    {
        get
        {
            int i = double.IsNaN(value) ? 0 : (int)Math.Round(Math.Clamp(value, 0, 1) * 255);
            return (_lookup[i * 3], _lookup[i * 3 + 1], _lookup[i * 3 + 2]);
        }
    }

    /// <summary>A plane of <paramref name="width"/> x <paramref name="height"/> values in [0, 1] as an image.</summary>
    public RgbImage Apply(ReadOnlySpan<float> values, int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < width * height; i++)
        {
            var (r, g, b) = this[values[i]];
            image.Pixels[i * 3] = r;
            image.Pixels[i * 3 + 1] = g;
            image.Pixels[i * 3 + 2] = b;
        }
        return image;
    }

    /// <summary>
    /// The plane drawn over <paramref name="image"/> at a fixed opacity, as the reference's CAM pictures blend the
    /// colour-mapped CAM half and half with the photo. The plane must have the image's size.
    /// </summary>
    public RgbImage Overlay(RgbImage image, ReadOnlySpan<float> values, double opacity = 0.5)
    {
        if (values.Length != image.Width * image.Height)
            throw new ArgumentException($"a {image.Width}x{image.Height} image needs {image.Width * image.Height} values, got {values.Length}", nameof(values));
        var result = new RgbImage(image.Width, image.Height);
        for (int i = 0; i < values.Length; i++)
        {
            var (r, g, b) = this[values[i]];
            result.Pixels[i * 3] = Mix(image.Pixels[i * 3], r, opacity);
            result.Pixels[i * 3 + 1] = Mix(image.Pixels[i * 3 + 1], g, opacity);
            result.Pixels[i * 3 + 2] = Mix(image.Pixels[i * 3 + 2], b, opacity);
        }
        return result;
    }

    /// <summary>A horizontal bar of the scale from 0 to 1, to show beside heat maps.</summary>
    public RgbImage Bar(int width = 128, int height = 10)
    {
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) values[y * width + x] = x / (float)(width - 1);
        return Apply(values, width, height);
    }

    internal static byte Mix(byte under, byte over, double opacity) => (byte)Math.Round(under * (1 - opacity) + over * opacity);
}
