namespace PuzzleCam.IO;

/// <summary>
/// Checks, before any work, that an output a flag names can be made: no regular file stands where a folder is needed.
/// Without it a run does all its work and then fails on the first write with "Could not find a part of the path",
/// which names neither the flag nor the reason.
/// </summary>
public static class OutputLocation
{
    /// <summary>Refuses, naming <paramref name="flag"/>, a folder (made later when missing) that a file is in the way of.</summary>
    public static void CheckFolder(string folder, string flag)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new BadInputException($"{flag} {folder}: {full} is a file, not a folder");
        CheckParents(Path.GetDirectoryName(full), folder, flag);
    }

    /// <summary>Refuses, naming <paramref name="flag"/>, an output file that is a folder or whose folder cannot be made.</summary>
    public static void CheckFile(string file, string flag)
    {
        var full = Path.GetFullPath(file);
        if (Directory.Exists(full)) throw new BadInputException($"{flag} {file}: {full} is a folder, not a file");
        CheckParents(Path.GetDirectoryName(full), file, flag);
    }

    private static void CheckParents(string? folder, string given, string flag)
    {
        for (var d = folder; d is not null; d = Path.GetDirectoryName(d))
        {
            if (Directory.Exists(d)) return;
            if (File.Exists(d)) throw new BadInputException($"{flag} {given}: {d} is a file, not a folder");
        }
    }
}
