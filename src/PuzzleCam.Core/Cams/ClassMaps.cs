using System.Runtime.InteropServices;

namespace PuzzleCam.Cams;

/// <summary>
/// Per-class score maps of one image, K x H x W float32 in C order: plane k belongs to the class that the file's
/// <c>keys[k + 1]</c> names. CAMs, high-resolution CAMs and random-walk maps all take this shape.
/// </summary>
public sealed class ClassMaps
{
    public ClassMaps(int classes, int height, int width, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)classes * height * width != values.Length)
            throw new ArgumentException($"{classes}x{height}x{width} maps need {(long)classes * height * width} values, got {values.Length}", nameof(values));
        Classes = classes;
        Height = height;
        Width = width;
        Values = values;
    }

    public int Classes { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>All planes, row-major: index (k * Height + y) * Width + x.</summary>
    public float[] Values { get; }

    /// <summary>
    /// The label map at a background threshold: each pixel takes the key of its highest plane, or the background key
    /// (keys[0]) where no score exceeds <paramref name="threshold"/>. This is the reference's argmax over the planes
    /// with a constant threshold plane put first, and what evaluation, affinity labels and pseudo labels start from.
    /// </summary>
    public LabelMap ToLabelMap(ReadOnlySpan<long> keys, double threshold)
    {
        var map = new LabelMap(Width, Height);
        TopClass.Of(this).Label(keys, threshold, map.Labels);
        return map;
    }

    /// <summary>
    /// Every plane resized bilinearly (align_corners off, as the stages resize maps) to <paramref name="height"/> x
    /// <paramref name="width"/>; these maps themselves when they already have that size.
    /// </summary>
    public ClassMaps Resized(int height, int width)
    {
        if (height == Height && width == Width) return this;
        if (Classes == 0) return new ClassMaps(0, height, width, []);
        using var scope = NewDisposeScope();
        var maps = tensor(Values, [1, Classes, Height, Width]);
        var resized = nn.functional.interpolate(maps, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false)[0].contiguous();
        return new ClassMaps(Classes, height, width, MemoryMarshal.Cast<byte, float>(resized.bytes).ToArray());
    }

    public NpyArray ToNpy() => NpyArray.Create<float>(Values, Classes, Height, Width);

    /// <summary>Reads a float32 [K, H, W] array; <paramref name="file"/> and <paramref name="name"/> name it in errors.</summary>
    public static ClassMaps FromNpy(NpyArray array, string file, string name)
    {
        if (array.DType != NpyDType.Float32)
            throw new InvalidDataFileException(file, $"array '{name}' is {array.DType}, expected float32");
        if (array.Shape.Length != 3)
            throw new InvalidDataFileException(file, $"array '{name}' has shape [{string.Join(", ", array.Shape)}], expected [K, H, W]");
        if (array.Shape[1] <= 0 || array.Shape[2] <= 0 || array.Shape[1] > int.MaxValue || array.Shape[2] > int.MaxValue || array.Shape[0] > int.MaxValue)
            throw new InvalidDataFileException(file, $"array '{name}' has unusable shape [{string.Join(", ", array.Shape)}]");
        return new ClassMaps((int)array.Shape[0], (int)array.Shape[1], (int)array.Shape[2], array.ToArray<float>());
    }
}
