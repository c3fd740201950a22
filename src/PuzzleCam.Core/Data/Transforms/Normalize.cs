namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Per-channel <c>(x / 255 − mean) / std</c>, evaluated in double and stored as float32 exactly as the reference's NumPy
/// code does, written straight into the CHW layout (the reference's separate Transpose step).
/// </summary>
public sealed class Normalize
{
    /// <summary>ImageNet channel means (R, G, B), the reference's default.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [0.485, 0.456, 0.406];

    /// <summary>ImageNet channel standard deviations (R, G, B), the reference's default.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [0.229, 0.224, 0.225];

    // One table per channel: 256 possible inputs, so the double arithmetic runs 768 times, not per pixel.
    private readonly float[][] _table;

    public Normalize() : this(ImageNetMean, ImageNetStd) { }

    public Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (mean.Count != 3) throw new ArgumentException($"need 3 channel means, got {mean.Count}", nameof(mean));
        if (std.Count != 3) throw new ArgumentException($"need 3 channel standard deviations, got {std.Count}", nameof(std));
        if (std.Any(s => !(s > 0))) throw new ArgumentException("standard deviations must be positive", nameof(std));
        Mean = mean.ToArray();
        Std = std.ToArray();
        _table = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            _table[c] = new float[256];
            for (int v = 0; v < 256; v++) _table[c][v] = (float)((v / 255.0 - Mean[c]) / Std[c]);
        }
    }

    public IReadOnlyList<double> Mean { get; }
    public IReadOnlyList<double> Std { get; }

    /// <summary>The normalised value of an 8-bit input of a channel.</summary>
    public float Value(int channel, byte input) => _table[channel][input];

    public ChwImage Apply(RgbImage image)
    {
        var output = new ChwImage(3, image.Height, image.Width);
        int plane = image.Width * image.Height;
        var pixels = image.Pixels;
        var data = output.Data;
        float[] r = _table[0], g = _table[1], b = _table[2];
        for (int i = 0; i < plane; i++)
        {
            data[i] = r[pixels[3 * i]];
            data[plane + i] = g[pixels[3 * i + 1]];
            data[2 * plane + i] = b[pixels[3 * i + 2]];
        }
        return output;
    }
}
