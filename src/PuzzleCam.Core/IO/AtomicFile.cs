using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PuzzleCam.IO;

/// <summary>
/// Writes a file through a temporary sibling and renames it into place, so that a crash or an interrupted run
/// never leaves a half-written output that a later resume would take for a finished one.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> by calling <paramref name="write"/> on a stream to a temporary file, then renaming it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, TemporaryName(Path.GetFileName(full), Environment.ProcessId, Guid.NewGuid()));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes all bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            w.Write(text);
        });

    /// <summary>
    /// Deletes the temporary files that <see cref="Write"/> left in <paramref name="folder"/> when its process was killed
    /// (kill -9, power loss) between creating and renaming them; a live process's are kept, as it may still rename
    /// them. Returns how many were deleted.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var match = TemporaryPattern().Match(Path.GetFileName(path));
            if (!match.Success || IsAlive(int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture))) continue;
            if (TryDelete(path)) removed++;
        }
        return removed;
    }

    private static string TemporaryName(string fileName, int processId, Guid id) => $".{fileName}.{processId}.{id:N}.tmp";

    [GeneratedRegex(@"^\..+\.([0-9]{1,10})\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryPattern();

    /// <summary>Whether the process <paramref name="processId"/> is running (this process counts); a writer's files are its own until it ends.</summary>
    internal static bool IsAlive(int processId)
    {
        if (processId == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
