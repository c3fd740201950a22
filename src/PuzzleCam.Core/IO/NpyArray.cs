using System.Runtime.InteropServices;

namespace PuzzleCam.IO;

/// <summary>Element types of NumPy arrays that the pipeline reads and writes.</summary>
public enum NpyDType
{
    Float32,
    Float64,
    Int64,
    Int32,
    UInt8,
    Bool,
}

/// <summary>
/// An n-dimensional array as stored in a NumPy <c>.npy</c> file: a shape, an element type and the raw
/// little-endian, C-order bytes. Typed views come from <see cref="AsSpan{T}"/>.
/// </summary>
public sealed class NpyArray
{
    public NpyArray(NpyDType dtype, long[] shape, byte[] data)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * ElementSize(dtype) != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] of {dtype} needs {count * ElementSize(dtype)} bytes, got {data.Length}");
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public NpyDType DType { get; }
    public long[] Shape { get; }
    public byte[] Data { get; }
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (Marshal.SizeOf<T>() != ElementSize(DType) || !Matches<T>(DType))
            throw new InvalidOperationException($"array holds {DType}, not {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(Data.AsSpan());
    }

    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>The values as float32 whatever the stored numeric type (for comparisons and display).</summary>
    public float[] ToFloatArray() => DType switch
    {
        NpyDType.Float32 => ToArray<float>(),
        NpyDType.Float64 => Array.ConvertAll(ToArray<double>(), v => (float)v),
        NpyDType.Int64 => Array.ConvertAll(ToArray<long>(), v => (float)v),
        NpyDType.Int32 => Array.ConvertAll(ToArray<int>(), v => (float)v),
        NpyDType.UInt8 => Array.ConvertAll(Data, v => (float)v),
        NpyDType.Bool => Array.ConvertAll(Data, v => v != 0 ? 1f : 0f),
        _ => throw new InvalidOperationException(DType.ToString()),
    };

    public static NpyArray Create<T>(ReadOnlySpan<T> values, params long[] shape) where T : unmanaged =>
        new(DTypeOf<T>(), shape, MemoryMarshal.AsBytes(values).ToArray());

    public static int ElementSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float64 or NpyDType.Int64 => 8,
        _ => 1,
    };

    internal static NpyDType DTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? NpyDType.Float32
        : typeof(T) == typeof(double) ? NpyDType.Float64
        : typeof(T) == typeof(long) ? NpyDType.Int64
        : typeof(T) == typeof(int) ? NpyDType.Int32
        : typeof(T) == typeof(byte) ? NpyDType.UInt8
        : typeof(T) == typeof(bool) ? NpyDType.Bool
        : throw new NotSupportedException($"no NumPy dtype for {typeof(T).Name}");

    private static bool Matches<T>(NpyDType dtype) where T : unmanaged =>
        DTypeOf<T>() == dtype || (dtype == NpyDType.Bool && typeof(T) == typeof(byte));
}
