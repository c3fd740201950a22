namespace PuzzleCam.IO;

/// <summary>A label map: one byte per pixel, row-major (0 background, 1..20 classes, 255 ignore in VOC maps).</summary>
public sealed class LabelMap
{
    public LabelMap(int width, int height, byte[] labels)
    {
        if (labels.Length != width * height) throw new ArgumentException($"{width}x{height} label map needs {width * height} bytes, got {labels.Length}");
        Width = width;
        Height = height;
        Labels = labels;
    }

    public LabelMap(int width, int height) : this(width, height, new byte[width * height]) { }

    public int Width { get; }
    public int Height { get; }
    public byte[] Labels { get; }

    public byte this[int y, int x]
    {
        get => Labels[y * Width + x];
        set => Labels[y * Width + x] = value;
    }
}
