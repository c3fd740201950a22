using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using PuzzleCam.Data;

namespace PuzzleCam.IO;

/// <summary>
/// VOC label maps as indexed PNGs. Image decoders expand a palette into colours and lose the class indices, so
/// this codec reads the raw 8-bit indices of palette (and greyscale) PNGs and writes palette PNGs with the VOC colours.
/// </summary>
public static class PalettePng
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static LabelMap Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes the indices of an 8-bit palette or greyscale PNG; <paramref name="name"/> names it in errors.</summary>
    public static LabelMap Read(ReadOnlySpan<byte> png, string name)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature)) throw new InvalidDataFileException(name, "not a PNG file");
        int pos = 8, width = 0, height = 0;
        bool haveHeader = false, ended = false;
        using var idat = new MemoryStream();
        while (!ended)
        {
            if (pos + 12 > png.Length) throw new InvalidDataFileException(name, "truncated PNG (no IEND chunk)");
            int length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            if (length < 0 || pos + 12 + length > png.Length) throw new InvalidDataFileException(name, "truncated PNG chunk");
            var typeAndData = png.Slice(pos + 4, 4 + length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + length)..]);
            if (Crc32.HashToUInt32(typeAndData) != crc) throw new InvalidDataFileException(name, $"corrupt PNG (CRC mismatch in chunk {Encoding.ASCII.GetString(typeAndData[..4])})");
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    int bitDepth = data[8], colorType = data[9], interlace = data[12];
                    if (bitDepth != 8 || (colorType != 3 && colorType != 0))
                        throw new InvalidDataFileException(name, $"not an 8-bit palette or greyscale PNG (bit depth {bitDepth}, colour type {colorType}); a label map must store class indices");
                    if (interlace != 0) throw new InvalidDataFileException(name, "interlaced PNG label maps are not supported");
                    if (width <= 0 || height <= 0 || (long)width * height > int.MaxValue / 2) throw new InvalidDataFileException(name, $"bad PNG size {width}x{height}");
                    haveHeader = true;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }
            pos += 12 + length;
        }
        if (!haveHeader) throw new InvalidDataFileException(name, "PNG without IHDR chunk");

        var raw = new byte[(width + 1) * height];
        try
        {
            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            z.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataFileException(name, "corrupt PNG image data", e);
        }
        var labels = new byte[width * height];
        Unfilter(raw, labels, width, height, name);
        return new LabelMap(width, height, labels);
    }

    /// <summary>Writes a label map as a palette PNG with the VOC colours, atomically.</summary>
    public static void Write(string path, LabelMap map) => AtomicFile.WriteAllBytes(path, Encode(map));

    public static byte[] Encode(LabelMap map)
    {
        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, map.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], map.Height);
        ihdr[8] = 8;
        ihdr[9] = 3;
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "PLTE", VocClasses.Palette);
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < map.Height; y++)
            {
                z.WriteByte(0);
                z.Write(map.Labels, y * map.Width, map.Width);
            }
        }
        WriteChunk(output, "IDAT", compressed.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(data);
        var crc = new Crc32();
        crc.Append(head[4..]);
        crc.Append(data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc.GetCurrentHashAsUInt32());
        s.Write(tail);
    }

    private static void Unfilter(byte[] raw, byte[] output, int width, int height, string name)
    {
        // One byte per pixel, so the "left" neighbour is one byte back (bpp = 1).
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (width + 1)];
            var line = raw.AsSpan(y * (width + 1) + 1, width);
            var cur = output.AsSpan(y * width, width);
            var prev = y > 0 ? output.AsSpan((y - 1) * width, width) : default;
            for (int x = 0; x < width; x++)
            {
                int a = x > 0 ? cur[x - 1] : 0;
                int b = y > 0 ? prev[x] : 0;
                int c = x > 0 && y > 0 ? prev[x - 1] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataFileException(name, $"corrupt PNG (unknown filter {filter} on row {y})"),
                };
                cur[x] = (byte)(line[x] + predictor);
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
