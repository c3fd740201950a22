namespace PuzzleCam.Data;

/// <summary>The 20 PASCAL VOC 2012 object classes in the reference order, and the label conventions of every stage.</summary>
public static class VocClasses
{
    /// <summary>Number of object classes (background excluded).</summary>
    public const int Count = 20;

    /// <summary>Background label in label maps.</summary>
    public const byte Background = 0;

    /// <summary>Ignore / void label in label maps.</summary>
    public const byte Ignore = 255;

    /// <summary>Class names in VOC order: index i is class i of the 20-way tag vector and label i + 1 in label maps.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>Names of the 21 labels of a segmentation map: background, then the 20 classes.</summary>
    public static IReadOnlyList<string> LabelNames { get; } = ["background", .. Names];

    private static readonly Dictionary<string, int> IndexByName =
        Names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);

    /// <summary>The 0-based class index of a VOC class name, or -1 when the name is not a VOC class.</summary>
    public static int IndexOf(string name) => IndexByName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>
    /// The standard VOC palette (bit-interleaved colour map) as RGB triplets, 256 entries; entry 255 is the void colour.
    /// The reference's own helper returns BGR; palette PNGs and everything here use RGB.
    /// </summary>
    public static byte[] Palette { get; } = BuildPalette();

    private static byte[] BuildPalette()
    {
        var palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            int r = 0, g = 0, b = 0, c = i;
            for (int j = 0; j < 8; j++)
            {
                r |= ((c >> 0) & 1) << (7 - j);
                g |= ((c >> 1) & 1) << (7 - j);
                b |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            palette[i * 3] = (byte)r;
            palette[i * 3 + 1] = (byte)g;
            palette[i * 3 + 2] = (byte)b;
        }
        return palette;
    }
}
