namespace PuzzleCam.Data.Voc;

/// <summary>One image of a VOC split: pixels, image-level tags and, where the split has it, the ground-truth mask.</summary>
public sealed record VocSample(string Id, RgbImage Image, float[] Tags, LabelMap? Mask);

/// <summary>A problem found in one image of a split.</summary>
public sealed record VocProblem(string Id, string File, string Reason)
{
    public override string ToString() => $"{File}: {Reason}";
}

/// <summary>
/// A PASCAL VOC 2012 root (JPEGImages, Annotations, SegmentationClass, ImageSets/Segmentation) and a list of ids,
/// read as the reference reads it. Every read error names the file it comes from.
/// </summary>
public sealed class VocDataset
{
    private VocDataset(string root, IReadOnlyList<string> ids)
    {
        Root = root;
        Ids = ids;
    }

    public string Root { get; }
    public IReadOnlyList<string> Ids { get; }
    public int Count => Ids.Count;

    /// <summary>
    /// Opens a split. The root and its JPEGImages and Annotations folders must exist, the list must be non-empty and
    /// every listed id must have its JPEG (checked up front, so that a long run does not stop hours in).
    /// </summary>
    public static VocDataset Open(string dataDir, ImageListSource list)
    {
        if (string.IsNullOrWhiteSpace(dataDir)) throw new BadInputException("--data_dir is empty");
        var root = Path.GetFullPath(dataDir);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{dataDir}: data directory not found (--data_dir)");
        foreach (var sub in new[] { "JPEGImages", "Annotations" })
            if (!Directory.Exists(Path.Combine(root, sub)))
                throw new DirectoryNotFoundException($"{Path.Combine(root, sub)}: not found; --data_dir must be a VOC 2012 root (see data/README.md)");
        var listPath = list.PathUnder(root);
        var hint = list.ListFile is null && list.Domain == "train_aug"
            ? "make it from the SBD lists with 'puzzlecam make-train-aug' (data/README.md)"
            : list.ListFile is null ? "give --list FILE or one of the lists in ImageSets/Segmentation" : null;
        var ids = ImageList.Read(listPath, hint);
        var dataset = new VocDataset(root, ids);
        var missing = ids.FirstOrDefault(id => !File.Exists(dataset.ImagePath(id)));
        if (missing is not null)
            throw new FileNotFoundException($"{dataset.ImagePath(missing)}: image of id '{missing}' listed in {listPath} not found", dataset.ImagePath(missing));
        return dataset;
    }

    /// <summary>A view of the same root restricted to some ids (e.g. after <see cref="Scan"/> dropped bad ones).</summary>
    public VocDataset WithIds(IReadOnlyList<string> ids) => new(Root, ids);

    public string ImagePath(string id) => Path.Combine(Root, "JPEGImages", id + ".jpg");
    public string AnnotationPath(string id) => Path.Combine(Root, "Annotations", id + ".xml");
    public string MaskPath(string id) => Path.Combine(Root, "SegmentationClass", id + ".png");

    public RgbImage ReadImage(string id) => ImageCodec.ReadRgb(ImagePath(id));

    public float[] ReadTags(string id) => VocAnnotation.Read(AnnotationPath(id)).Tags();

    /// <summary>The ground-truth mask, or null when the split has none for this id (train_aug images, test).</summary>
    public LabelMap? ReadMask(string id)
    {
        var path = MaskPath(id);
        return File.Exists(path) ? ReadLabelMap(path) : null;
    }

    /// <summary>Reads a VOC label PNG and checks every value is a class (0..20) or the ignore label 255.</summary>
    public static LabelMap ReadLabelMap(string path)
    {
        var map = PalettePng.Read(path);
        var bad = Array.FindIndex(map.Labels, v => v > VocClasses.Count && v != VocClasses.Ignore);
        if (bad >= 0)
            throw new InvalidDataFileException(path, $"mask value {map.Labels[bad]} at (x={bad % map.Width}, y={bad / map.Width}) is neither a class 0..20 nor 255");
        return map;
    }

    public VocSample Read(string id) => Read(id, withMask: true);

    public VocSample Read(string id, bool withMask)
    {
        var image = ReadImage(id);
        var tags = ReadTags(id);
        var mask = withMask ? ReadMask(id) : null;
        if (mask is not null && (mask.Width != image.Width || mask.Height != image.Height))
            throw new InvalidDataFileException(MaskPath(id), $"mask is {mask.Width}x{mask.Height} but its image is {image.Width}x{image.Height}");
        return new VocSample(id, image, tags, mask);
    }

    /// <summary>
    /// Checks, in parallel, that every image of the split decodes (<see cref="ImageCodec.Probe"/>: header and JPEG end
    /// marker, not the pixels) and every annotation reads, and throws naming the first bad file in list order. A
    /// training run calls it before it writes anything, so that a truncated JPEG stops it at once instead of when the
    /// loader reaches it; for VOC's 10,582 train_aug images it takes about a second.
    /// </summary>
    public void CheckReadable(CancellationToken cancel = default)
    {
        var problems = new Exception?[Ids.Count];
        Parallel.For(0, Ids.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            try
            {
                ImageCodec.Probe(ImagePath(Ids[i]));
                ReadTags(Ids[i]);
            }
            catch (Exception e) when (e is InvalidDataFileException or FileNotFoundException)
            {
                problems[i] = e;
            }
        });
        var found = problems.OfType<Exception>().ToList();
        if (found.Count == 0) return;
        var more = found.Count > 1 ? $" (and {found.Count - 1} more bad files in this split; 'puzzlecam check-data' lists them)" : "";
        throw found[0] switch
        {
            InvalidDataFileException d => new InvalidDataFileException(d.FilePath, d.Message[(d.FilePath.Length + 2)..] + more, d),
            var e => new FileNotFoundException(e.Message + more, ((FileNotFoundException)e).FileName, e),
        };
    }

    /// <summary>
    /// Reads every image, annotation and mask of the split once, in parallel, and collects what is wrong. With
    /// <paramref name="skipBad"/> false the first problem (in list order) is thrown; with it true the bad ids are dropped
    /// and reported.
    /// </summary>
    public VocScanReport Scan(bool skipBad, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        var problems = new VocProblem?[Ids.Count];
        var tagCounts = new int[VocClasses.Count];
        int masks = 0, done = 0;
        Parallel.For(0, Ids.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var id = Ids[i];
            try
            {
                var sample = Read(id);
                for (int c = 0; c < VocClasses.Count; c++)
                    if (sample.Tags[c] > 0) Interlocked.Increment(ref tagCounts[c]);
                if (sample.Mask is not null) Interlocked.Increment(ref masks);
            }
            catch (Exception e) when (e is InvalidDataFileException or FileNotFoundException)
            {
                var file = e is InvalidDataFileException d ? d.FilePath : ((FileNotFoundException)e).FileName ?? id;
                var reason = e is InvalidDataFileException inv ? inv.Message[(inv.FilePath.Length + 2)..] : "file not found";
                problems[i] = new VocProblem(id, file, reason);
            }
            progress?.Report(new StageProgress(Interlocked.Increment(ref done), Ids.Count));
        });
        var found = problems.OfType<VocProblem>().ToList();
        if (found.Count > 0 && !skipBad)
            throw new InvalidDataFileException(found[0].File, found[0].Reason + (found.Count > 1 ? $" (and {found.Count - 1} more problems; --skip_bad drops them)" : " (--skip_bad drops such images)"));
        var kept = Ids.Where((_, i) => problems[i] is null).ToList();
        return new VocScanReport(kept, found, tagCounts, masks);
    }
}

/// <summary>What <see cref="VocDataset.Scan"/> found: the usable ids, the skipped ones with their reasons, and counts.</summary>
public sealed record VocScanReport(IReadOnlyList<string> Kept, IReadOnlyList<VocProblem> Skipped, IReadOnlyList<int> ImagesPerClass, int ImagesWithMask)
{
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"{Kept.Count} images ({ImagesWithMask} with masks), {Skipped.Count} skipped",
            "images per class: " + string.Join(", ", VocClasses.Names.Select((n, i) => $"{n} {ImagesPerClass[i]}")),
        };
        lines.AddRange(Skipped.Select(p => "skipped " + p));
        return string.Join(Environment.NewLine, lines);
    }
}
