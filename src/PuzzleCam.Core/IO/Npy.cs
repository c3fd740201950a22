using System.Text;
using System.Text.RegularExpressions;

namespace PuzzleCam.IO;

/// <summary>Reads and writes NumPy <c>.npy</c> files (format 1.0 to 3.0, little-endian, C order).</summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads one array from a stream; <paramref name="name"/> is used in error messages.</summary>
    public static NpyArray Read(Stream stream, string name)
    {
        var header = ReadHeader(stream, name);
        var (dtype, shape) = ParseHeader(header, name);
        long bytes = shape.Aggregate(1L, (a, b) => a * b) * NpyArray.ElementSize(dtype);
        if (bytes > int.MaxValue) throw new InvalidDataFileException(name, "array larger than 2 GB");
        var data = new byte[bytes];
        stream.ReadExactly(data);
        return new NpyArray(dtype, shape, data);
    }

    /// <summary>Reads only the header: dtype and shape.</summary>
    public static (NpyDType DType, long[] Shape) ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ParseHeader(ReadHeader(stream, path), path);
    }

    /// <summary>True when the file's length is its header's plus the data its dtype and shape call for; false for a cut or unreadable file.</summary>
    public static bool IsWhole(string path)
    {
        try
        {
            using var stream = OpenRead(path);
            var (dtype, shape) = ParseHeader(ReadHeader(stream, path), path);
            return stream.Length == stream.Position + shape.Aggregate(1L, (a, b) => a * b) * NpyArray.ElementSize(dtype);
        }
        catch (Exception e) when (e is InvalidDataFileException or EndOfStreamException or IOException)
        {
            return false;
        }
    }

    public static void Write(string path, NpyArray array) => AtomicFile.Write(path, s => Write(s, array));

    public static void Write(Stream stream, NpyArray array)
    {
        var descr = array.DType switch
        {
            NpyDType.Float32 => "<f4",
            NpyDType.Float64 => "<f8",
            NpyDType.Int64 => "<i8",
            NpyDType.Int32 => "<i4",
            NpyDType.UInt8 => "|u1",
            NpyDType.Bool => "|b1",
            _ => throw new InvalidOperationException(array.DType.ToString()),
        };
        var shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0]},)",
            _ => "(" + string.Join(", ", array.Shape) + ")",
        };
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Header (magic + version + length + dict + newline) is padded to a multiple of 64 bytes, as NumPy does.
        int total = Magic.Length + 2 + 2 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var text = dict + new string(' ', pad) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        var len = (ushort)text.Length;
        stream.WriteByte((byte)(len & 0xff));
        stream.WriteByte((byte)(len >> 8));
        stream.Write(Encoding.ASCII.GetBytes(text));
        stream.Write(array.Data);
    }

    private static FileStream OpenRead(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        return File.OpenRead(path);
    }

    private static string ReadHeader(Stream stream, string name)
    {
        Span<byte> prefix = stackalloc byte[8];
        try { stream.ReadExactly(prefix); }
        catch (EndOfStreamException e) { throw new InvalidDataFileException(name, "not a .npy file (too short)", e); }
        if (!prefix[..6].SequenceEqual(Magic)) throw new InvalidDataFileException(name, "not a .npy file (bad magic)");
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> l = stackalloc byte[2];
            stream.ReadExactly(l);
            headerLength = l[0] | (l[1] << 8);
        }
        else if (major is 2 or 3)
        {
            Span<byte> l = stackalloc byte[4];
            stream.ReadExactly(l);
            headerLength = BitConverter.ToInt32(l);
        }
        else throw new InvalidDataFileException(name, $"unsupported .npy version {major}");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return Encoding.UTF8.GetString(header);
    }

    private static (NpyDType, long[]) ParseHeader(string header, string name)
    {
        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !shape.Success) throw new InvalidDataFileException(name, $"unreadable .npy header: {header.Trim()}");
        if (fortran.Success && fortran.Groups[1].Value == "True") throw new InvalidDataFileException(name, "Fortran-order arrays are not supported");
        var dtype = descr.Groups[1].Value switch
        {
            "<f4" => NpyDType.Float32,
            "<f8" => NpyDType.Float64,
            "<i8" => NpyDType.Int64,
            "<i4" => NpyDType.Int32,
            "|u1" or "<u1" => NpyDType.UInt8,
            "|b1" => NpyDType.Bool,
            var d => throw new InvalidDataFileException(name, $"unsupported dtype '{d}' (float32, float64, int64, int32, uint8, bool are read)"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return (dtype, dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
