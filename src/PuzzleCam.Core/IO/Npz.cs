using System.IO.Compression;

namespace PuzzleCam.IO;

/// <summary>Reads and writes NumPy <c>.npz</c> archives: a zip of <c>.npy</c> members, readable by <c>numpy.load</c>.</summary>
public static class Npz
{
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                using var s = entry.Open();
                using var buffered = new BufferedStream(s);
                result[key] = Npy.Read(buffered, $"{path}[{entry.FullName}]");
            }
            return result;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataFileException(path, "not a valid .npz (zip) archive", e);
        }
    }

    /// <summary>Writes the arrays as one archive, atomically. <paramref name="compress"/> matches <c>numpy.savez_compressed</c>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false) =>
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (key, array) in arrays)
            {
                var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Fastest : CompressionLevel.NoCompression);
                // A fixed timestamp keeps the archive byte-identical for the same content.
                entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var s = entry.Open();
                Npy.Write(s, array);
            }
        });
}
