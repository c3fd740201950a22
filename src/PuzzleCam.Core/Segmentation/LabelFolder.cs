namespace PuzzleCam.Segmentation;

/// <summary>
/// A folder of per-image label PNGs (<c>{id}.png</c>, values 0..20 and 255 = ignore) that segmentation trains on: the
/// pseudo labels of stage 6, or a ground-truth folder such as the dataset's SegmentationClass.
/// </summary>
/// <param name="folder">The folder of the PNGs.</param>
/// <param name="flag">The flag that named it, for messages.</param>
public sealed class LabelFolder(string folder, string flag)
{
    public string Folder { get; } = folder;

    public string Flag { get; } = flag;

    public string PathOf(string id) => Path.Combine(Folder, id + ".png");

    /// <summary>The label map of <paramref name="id"/>; a value outside 0..20 and 255 throws naming the file.</summary>
    public LabelMap Read(string id) => VocDataset.ReadLabelMap(PathOf(id));

    /// <summary>
    /// Checks, in parallel, that every id of <paramref name="dataset"/> has a label PNG that reads, has only the
    /// values 0..20 and 255, and has its image's size (from the JPEG header), and throws naming the first bad file in
    /// list order: a training run checks this before it writes anything.
    /// </summary>
    public void Check(VocDataset dataset, CancellationToken cancel = default)
    {
        if (!Directory.Exists(Folder))
            throw new DirectoryNotFoundException($"{Folder}: label folder not found ({Flag}); make the pseudo labels first, or name another folder");
        var problems = new Exception?[dataset.Count];
        Parallel.For(0, dataset.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var id = dataset.Ids[i];
            var path = PathOf(id);
            try
            {
                if (!File.Exists(path))
                {
                    problems[i] = new FileNotFoundException($"{path}: label of id '{id}' not found in the label folder ({Flag})", path);
                    return;
                }
                var map = Read(id);
                var (width, height) = ImageCodec.ReadSize(dataset.ImagePath(id));
                if (map.Width != width || map.Height != height)
                    problems[i] = new InvalidDataFileException(path, $"label is {map.Width}x{map.Height} but its image {dataset.ImagePath(id)} is {width}x{height}");
            }
            catch (Exception e) when (e is InvalidDataFileException or FileNotFoundException)
            {
                problems[i] = e;
            }
        });
        var found = problems.OfType<Exception>().ToList();
        if (found.Count == 0) return;
        var more = found.Count > 1 ? $" (and {found.Count - 1} more bad label files)" : "";
        throw found[0] switch
        {
            InvalidDataFileException d => new InvalidDataFileException(d.FilePath, d.Message[(d.FilePath.Length + 2)..] + more, d),
            var e => new FileNotFoundException(e.Message + more, ((FileNotFoundException)e).FileName, e),
        };
    }
}
