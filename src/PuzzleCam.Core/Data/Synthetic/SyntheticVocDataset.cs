using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace PuzzleCam.Data.Synthetic;

/// <summary>
/// A self-contained stand-in for PASCAL VOC 2012 in its exact layout (JPEGImages, Annotations, SegmentationClass,
/// ImageSets/Segmentation), built so that image tags under-determine the masks the way real photos do: a class shows
/// over its whole body in a look that is usually right, and for certain only in a small badge on the body. The design is documented in data/README.md.
/// </summary>
public static class SyntheticVocDataset
{
    private const int TrainTag = 1;
    private const int ValTag = 2;

    /// <summary>Share of train_aug that also forms train (VOC's seg train is a seventh of train_aug; a quarter keeps small sets evaluable).</summary>
    private const int TrainSubsetDivisor = 4;

    /// <summary>Where every stage looks for its dataset by default (relative to the working directory).</summary>
    public static readonly string DefaultRoot = Path.Combine("datasets", "synthetic");

    /// <summary>The record of the options a dataset was made with; written last, so its presence means complete.</summary>
    public const string ManifestName = "puzzlecam-synthetic.json";

    /// <summary>
    /// Generates the dataset under <paramref name="outDir"/> unless a complete one made with the same options is already
    /// there; returns the new dataset's summary, or null when the one there was kept. A dataset of other options, or
    /// one whose generation was interrupted, is made anew.
    /// </summary>
    public static SyntheticSummary? Ensure(string outDir, SyntheticOptions options, IProgress<StageProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var manifest = Path.Combine(outDir, ManifestName);
        var wanted = new Manifest(GeneratorVersion, options);
        if (File.Exists(manifest) && ReadManifest(manifest) == wanted) return null;
        if (File.Exists(manifest)) File.Delete(manifest);
        var summary = Generate(outDir, options, progress, cancellationToken);
        AtomicFile.WriteAllText(manifest, JsonSerializer.Serialize(wanted));
        return summary;
    }

    /// <summary>
    /// The version of the world the generator draws, recorded in the manifest: a dataset cached by another version
    /// (version 1: every class on one shared body look, told apart by its badge alone) is made anew, never mixed.
    /// </summary>
    public const int GeneratorVersion = 2;

    private sealed record Manifest(int Generator, SyntheticOptions Options);

    /// <summary>The manifest's record, or null for one of another shape (an earlier generator wrote the options alone).</summary>
    private static Manifest? ReadManifest(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)) is { Options: not null } m ? m : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly string[] ListNames = ["train_aug.txt", "train.txt", "val.txt"];

    /// <summary>
    /// Writes the dataset under <paramref name="outDir"/>, overwriting files of the same names. Images are rendered
    /// in parallel, each from its own seed, so the files are byte-identical for the same options whatever the thread
    /// count. Every file is written atomically, and the split lists are removed first and written last, so a list
    /// only ever names finished images of this run.
    /// </summary>
    /// <param name="outDir">The dataset root; created when missing.</param>
    /// <param name="options">Counts, size, seed and JPEG quality.</param>
    /// <param name="progress">Receives the images written so far of Train + Val, from worker threads.</param>
    /// <param name="cancellationToken">Stops the run between images.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; finished images stay, no list is left.</exception>
    public static SyntheticSummary Generate(string outDir, SyntheticOptions options, IProgress<StageProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        long start = Stopwatch.GetTimestamp();

        var root = Path.GetFullPath(outDir);
        var folders = new Folders(root);
        foreach (var dir in new[] { folders.Images, folders.Annotations, folders.Masks, folders.Lists }) Directory.CreateDirectory(dir);
        // Lists of an earlier run would name images this run is about to overwrite: they go until it has finished.
        foreach (var list in ListNames) File.Delete(Path.Combine(folders.Lists, list));

        var trainIds = Ids("train", options.Train);
        var valIds = Ids("val", options.Val);
        int total = options.Train + options.Val;
        var stats = new ImageStats[total];
        int done = 0;
        try
        {
            Parallel.For(0, total, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool train = i < options.Train;
                int index = train ? i : i - options.Train;
                var id = train ? trainIds[index] : valIds[index];
                var seed = SplitMix64.ImageSeed(options.Seed, train ? TrainTag : ValTag, index);
                stats[i] = WriteImage(folders, id, seed, options);
                progress?.Report(new StageProgress(Interlocked.Increment(ref done), total));
            });
        }
        catch (AggregateException e)
        {
            // The caller gets the first real failure (say, an IOException naming the file), not the parallel wrapper.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        int trainSubset = (options.Train + TrainSubsetDivisor - 1) / TrainSubsetDivisor;
        WriteList(Path.Combine(folders.Lists, "train_aug.txt"), trainIds);
        WriteList(Path.Combine(folders.Lists, "train.txt"), trainIds.Take(trainSubset));
        WriteList(Path.Combine(folders.Lists, "val.txt"), valIds);

        return Summarise(root, options, stats, trainSubset, Stopwatch.GetElapsedTime(start));
    }

    private sealed record Folders(string Root)
    {
        public string Images => Path.Combine(Root, "JPEGImages");
        public string Annotations => Path.Combine(Root, "Annotations");
        public string Masks => Path.Combine(Root, "SegmentationClass");
        public string Lists => Path.Combine(Root, "ImageSets", "Segmentation");
    }

    /// <summary>Per image: which classes it holds (bit k for class k), its object count, and its mask histogram.</summary>
    private readonly record struct ImageStats(int ClassBits, int Objects, long[] LabelCounts, long VoidCount);

    /// <summary>Ids such as <c>train_000042</c>: zero-padded so that the ordinal sort of the lists is the index order.</summary>
    private static string[] Ids(string split, int count) =>
        Enumerable.Range(0, count).Select(i => split + "_" + i.ToString("D6", CultureInfo.InvariantCulture)).ToArray();

    private static ImageStats WriteImage(Folders folders, string id, ulong seed, SyntheticOptions options)
    {
        var rng = new SplitMix64(seed);
        var scene = SceneLayout.Sample(rng, options.Size);
        var image = SceneRenderer.Render(scene, rng);
        var mask = scene.ToLabelMap();

        ImageCodec.WriteJpeg(Path.Combine(folders.Images, id + ".jpg"), image, options.JpegQuality);
        AtomicFile.WriteAllBytes(Path.Combine(folders.Annotations, id + ".xml"), AnnotationXml.Encode(id, scene));
        PalettePng.Write(Path.Combine(folders.Masks, id + ".png"), mask);

        var counts = new long[VocClasses.Count + 1];
        long voids = 0;
        foreach (var label in mask.Labels)
        {
            if (label == VocClasses.Ignore) voids++;
            else counts[label]++;
        }
        int bits = 0;
        foreach (var o in scene.Objects) bits |= 1 << o.ClassIndex;
        return new ImageStats(bits, scene.Objects.Count, counts, voids);
    }

    private static void WriteList(string path, IEnumerable<string> ids) =>
        AtomicFile.WriteAllText(path, string.Concat(ids.Order(StringComparer.Ordinal).Select(id => id + "\n")));

    private static SyntheticSummary Summarise(string root, SyntheticOptions options, ImageStats[] stats, int trainSubset, TimeSpan elapsed)
    {
        var trainPerClass = new int[VocClasses.Count];
        var valPerClass = new int[VocClasses.Count];
        var labelCounts = new long[VocClasses.Count + 1];
        long voids = 0, objects = 0;
        for (int i = 0; i < stats.Length; i++)
        {
            var perClass = i < options.Train ? trainPerClass : valPerClass;
            for (int k = 0; k < VocClasses.Count; k++)
                if ((stats[i].ClassBits & (1 << k)) != 0) perClass[k]++;
            for (int l = 0; l < labelCounts.Length; l++) labelCounts[l] += stats[i].LabelCounts[l];
            voids += stats[i].VoidCount;
            objects += stats[i].Objects;
        }
        double pixels = (double)options.Size * options.Size * stats.Length;
        return new SyntheticSummary(root, options, options.Train, trainSubset, options.Val, trainPerClass, valPerClass,
            (double)objects / stats.Length, labelCounts.Select(n => n / pixels).ToArray(), voids / pixels, elapsed);
    }
}
