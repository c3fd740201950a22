namespace PuzzleCam.Data.Voc;

/// <summary>Where the ids of a run come from: a named split of the VOC root, or a list file.</summary>
public sealed record ImageListSource
{
    /// <summary>A split name: <c>{data_dir}/ImageSets/Segmentation/{Domain}.txt</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>An explicit list file, one id per line; takes precedence over <see cref="Domain"/>.</summary>
    public string? ListFile { get; init; }

    public static ImageListSource FromDomain(string domain) => new() { Domain = domain };
    public static ImageListSource FromFile(string path) => new() { ListFile = path };

    /// <summary>The list file this source names under <paramref name="dataDir"/>.</summary>
    public string PathUnder(string dataDir) =>
        ListFile ?? Path.Combine(dataDir, "ImageSets", "Segmentation", (Domain ?? throw new BadInputException("neither --domain nor --list is given")) + ".txt");

    public override string ToString() => ListFile ?? Domain ?? "(none)";
}

/// <summary>Reads and writes id lists (one id per line, whitespace stripped, CRLF tolerated, blank lines ignored).</summary>
public static class ImageList
{
    /// <summary>
    /// The ids of the list at <paramref name="path"/>. Every id names files of its own (<c>JPEGImages/{id}.jpg</c>,
    /// an output <c>{id}.png</c>), so each must be a plain file stem and appear once: a separator, <c>..</c>, a leading
    /// dot or a control character could write outside a folder, and a repeated id would be processed and scored twice.
    /// The error names the list, the line and the id.
    /// </summary>
    public static IReadOnlyList<string> Read(string path, string? hint = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: id list not found{(hint is null ? "" : "; " + hint)}", path);
        var ids = new List<string>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var id = line.Trim();
            if (id.Length == 0) continue;
            if (StemProblem(id) is { } problem)
                throw new IO.InvalidDataFileException(path, $"line {number}: id '{Printable(id)}' {problem}; an id is a file name without extension");
            if (lines.TryGetValue(id, out int first))
                throw new IO.InvalidDataFileException(path, $"line {number}: id '{id}' repeats line {first}; each image is listed once");
            lines[id] = number;
            ids.Add(id);
        }
        if (ids.Count == 0) throw new IO.InvalidDataFileException(path, "the id list is empty");
        return ids;
    }

    /// <summary>Why <paramref name="id"/> is not a plain file stem, or null when it is one.</summary>
    public static string? StemProblem(string id)
    {
        if (id.Any(char.IsControl)) return "holds a control character";
        if (id.IndexOfAny(['/', '\\']) >= 0) return "holds a path separator";
        if (id.Contains("..", StringComparison.Ordinal)) return "holds '..'";
        if (id.StartsWith('.')) return "starts with a dot";
        if (id.Contains(':')) return "holds a ':' (a drive or stream name on Windows)";
        return null;
    }

    private static string Printable(string id) =>
        string.Concat(id.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    public static void Write(string path, IEnumerable<string> ids) =>
        IO.AtomicFile.WriteAllText(path, string.Concat(ids.Select(id => id + "\n")));

    /// <summary>
    /// The reference's train_aug split from the SBD lists: SBD train + SBD val + VOC segmentation train, minus VOC
    /// segmentation val (10,582 ids with the official files), sorted.
    /// </summary>
    public static IReadOnlyList<string> DeriveTrainAug(IEnumerable<string> sbdTrain, IEnumerable<string> sbdVal,
        IEnumerable<string> vocTrain, IEnumerable<string> vocVal)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        set.UnionWith(sbdTrain);
        set.UnionWith(sbdVal);
        set.UnionWith(vocTrain);
        set.ExceptWith(vocVal);
        return set.ToList();
    }
}
