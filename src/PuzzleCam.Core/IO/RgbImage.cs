namespace PuzzleCam.IO;

/// <summary>An 8-bit RGB image, row-major HWC (R, G, B per pixel), the layout PIL and NumPy use.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"bad image size {width}x{height}");
        if (pixels.Length != width * height * 3) throw new ArgumentException($"{width}x{height} RGB image needs {width * height * 3} bytes, got {pixels.Length}");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public RgbImage(int width, int height) : this(width, height, new byte[width * height * 3]) { }

    public int Width { get; }
    public int Height { get; }

    /// <summary>HWC bytes: pixel (x, y) channel c is at <c>(y * Width + x) * 3 + c</c>.</summary>
    public byte[] Pixels { get; }

    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());
}
