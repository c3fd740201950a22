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
    public static IReadOnlyList<string> Read(string path, string? hint = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: id list not found{(hint is null ? "" : "; " + hint)}", path);
        var ids = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (ids.Count == 0) throw new IO.InvalidDataFileException(path, "the id list is empty");
        return ids;
    }

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
