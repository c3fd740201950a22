namespace PuzzleCam.IO;

/// <summary>
/// Whether an output file already on disk is whole, judged by the end its format must have, so that a resumed stage
/// redoes a file that was cut short (a copy interrupted, a disk that filled) instead of counting it as done. Outputs
/// are written to a temporary file and renamed, so this only matters for files that came from elsewhere.
/// </summary>
public static class CompleteFile
{
    /// <summary>The last 8 bytes of every PNG: the IEND chunk's type and its fixed CRC.</summary>
    private static ReadOnlySpan<byte> PngEnd => [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>A zip archive (.npz) ends with its end-of-central-directory record: this signature and 18 bytes (and a comment, none here).</summary>
    private static ReadOnlySpan<byte> ZipEndSignature => [0x50, 0x4B, 0x05, 0x06];

    private const int ZipEndRecord = 22;

    /// <summary>True when <paramref name="path"/> exists and ends as its format (by extension: .png, .npz, .npy) must; any other non-empty file counts as whole.</summary>
    public static bool IsComplete(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0) return false;
        var extension = info.Extension.ToLowerInvariant();
        if (extension is not (".png" or ".npz" or ".npy")) return true;
        if (extension == ".npy") return Npy.IsWhole(path);
        using var stream = info.OpenRead();
        return extension == ".png" ? EndsWith(stream, PngEnd) : HasZipEnd(stream);
    }

    private static bool EndsWith(FileStream stream, ReadOnlySpan<byte> end)
    {
        if (stream.Length < end.Length) return false;
        Span<byte> tail = stackalloc byte[end.Length];
        stream.Seek(-end.Length, SeekOrigin.End);
        stream.ReadExactly(tail);
        return tail.SequenceEqual(end);
    }

    /// <summary>
    /// The archive ends with its end record and no comment, as every npz written here does; an archive with a comment
    /// (made elsewhere) is redone, which costs time, never a wrong result.
    /// </summary>
    private static bool HasZipEnd(FileStream stream)
    {
        if (stream.Length < ZipEndRecord) return false;
        Span<byte> record = stackalloc byte[ZipEndRecord];
        stream.Seek(-ZipEndRecord, SeekOrigin.End);
        stream.ReadExactly(record);
        return record[..4].SequenceEqual(ZipEndSignature) && record[20] == 0 && record[21] == 0;
    }
}
