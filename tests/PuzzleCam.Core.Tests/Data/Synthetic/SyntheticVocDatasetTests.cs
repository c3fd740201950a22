using PuzzleCam.Experiments;
using System.Security.Cryptography;
using System.Xml.Linq;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Synthetic;

/// <summary>One tiny dataset shared by the tests that only read it.</summary>
public sealed class TinySyntheticDataset : IDisposable
{
    public static readonly SyntheticOptions Options = new() { Train = 6, Val = 3, Size = 64, Seed = 7 };

    public TinySyntheticDataset()
    {
        Root = Directory.CreateTempSubdirectory("synthetic").FullName;
        Summary = SyntheticVocDataset.Generate(Root, Options);
    }

    public string Root { get; }
    public SyntheticSummary Summary { get; }

    public IReadOnlyList<string> List(string split) =>
        File.ReadAllLines(Path.Combine(Root, "ImageSets", "Segmentation", split + ".txt"));

    public IEnumerable<string> AllIds => List("train_aug").Concat(List("val"));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public class SyntheticVocDatasetTests(TinySyntheticDataset tiny) : IClassFixture<TinySyntheticDataset>
{
    private static Dictionary<string, string> HashFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(root, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedWritesByteIdenticalFiles()
    {
        var again = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            SyntheticVocDataset.Generate(again, TinySyntheticDataset.Options);
            var first = HashFiles(tiny.Root);
            var second = HashFiles(again);
            Assert.Equal(first.Keys.Order(StringComparer.Ordinal), second.Keys.Order(StringComparer.Ordinal));
            foreach (var (file, hash) in first) Assert.True(hash == second[file], $"{file} differs between two runs with the same seed");
        }
        finally
        {
            Directory.Delete(again, recursive: true);
        }
    }

    [Fact]
    public void OtherSeedGivesOtherImages()
    {
        var other = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            SyntheticVocDataset.Generate(other, TinySyntheticDataset.Options with { Seed = 8 });
            var first = HashFiles(tiny.Root);
            var second = HashFiles(other);
            foreach (var jpeg in first.Keys.Where(k => k.EndsWith(".jpg", StringComparison.Ordinal)))
                Assert.NotEqual(first[jpeg], second[jpeg]);
            // The lists name images only, so they coincide.
            Assert.Equal(first[Path.Combine("ImageSets", "Segmentation", "val.txt")], second[Path.Combine("ImageSets", "Segmentation", "val.txt")]);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void MasksAndAnnotationsArePinnedForTheSeed()
    {
        // The XML names each body's look, so this pins the world's looks as well as its geometry.
        // Masks and XML come from exact arithmetic only (no trigonometry, no rasteriser), so their content is the same
        // on every platform; a change here means the dataset for a given seed changed. The JPEG pixels come from
        // SkiaSharp and are deliberately left out.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var id in tiny.AllIds)
        {
            sha.AppendData(PalettePng.Read(Path.Combine(tiny.Root, "SegmentationClass", id + ".png")).Labels);
            sha.AppendData(File.ReadAllBytes(Path.Combine(tiny.Root, "Annotations", id + ".xml")));
        }
        Assert.Equal("092D746CA4D9D96A2C059086A3CF6561EF9B8DB57580A81CA9532FA917C842D2", Convert.ToHexString(sha.GetHashAndReset()));
    }

    [Fact]
    public void WritesTheVocLayoutAndNothingElse()
    {
        var expected = new List<string>
        {
            Path.Combine("ImageSets", "Segmentation", "train.txt"),
            Path.Combine("ImageSets", "Segmentation", "train_aug.txt"),
            Path.Combine("ImageSets", "Segmentation", "val.txt"),
        };
        foreach (var id in tiny.AllIds)
        {
            expected.Add(Path.Combine("JPEGImages", id + ".jpg"));
            expected.Add(Path.Combine("Annotations", id + ".xml"));
            expected.Add(Path.Combine("SegmentationClass", id + ".png"));
        }
        var actual = Directory.EnumerateFiles(tiny.Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tiny.Root, f));
        // Any temporary file of an atomic write left behind would show up here too.
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(tiny.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ListsFollowVocSplitRules()
    {
        var trainAug = tiny.List("train_aug");
        var train = tiny.List("train");
        var val = tiny.List("val");
        Assert.Equal(TinySyntheticDataset.Options.Train, trainAug.Count);
        Assert.Equal(TinySyntheticDataset.Options.Val, val.Count);
        Assert.Equal(2, train.Count);
        Assert.Equal(trainAug.Take(2), train);
        Assert.Empty(trainAug.Intersect(val));
        foreach (var list in new[] { trainAug, train, val })
        {
            Assert.Equal(list.Order(StringComparer.Ordinal), list);
            Assert.Equal(list.Count, list.Distinct().Count());
            Assert.All(list, id => Assert.Matches("^(train|val)_[0-9]{6}$", id));
        }
        Assert.EndsWith("\n", File.ReadAllText(Path.Combine(tiny.Root, "ImageSets", "Segmentation", "val.txt")));
    }

    [Fact]
    public void ImagesAndMasksHaveTheSizeAndOnlyVocLabels()
    {
        int size = TinySyntheticDataset.Options.Size;
        foreach (var id in tiny.AllIds)
        {
            var image = ImageCodec.ReadRgb(Path.Combine(tiny.Root, "JPEGImages", id + ".jpg"));
            Assert.Equal((size, size), (image.Width, image.Height));
            var mask = PalettePng.Read(Path.Combine(tiny.Root, "SegmentationClass", id + ".png"));
            Assert.Equal((size, size), (mask.Width, mask.Height));
            Assert.All(mask.Labels, v => Assert.True(v <= VocClasses.Count || v == VocClasses.Ignore, $"{id}: label {v}"));
            Assert.Contains(mask.Labels, v => v == VocClasses.Background);
            Assert.Contains(mask.Labels, v => v == VocClasses.Ignore);
        }
    }

    [Fact]
    public void EveryAnnotatedObjectHasPixelsOfItsClassInItsBox()
    {
        int size = TinySyntheticDataset.Options.Size;
        foreach (var id in tiny.AllIds)
        {
            var root = XDocument.Load(Path.Combine(tiny.Root, "Annotations", id + ".xml")).Root!;
            Assert.Equal("annotation", root.Name.LocalName);
            Assert.Equal(id + ".jpg", root.Element("filename")!.Value);
            Assert.Equal(size, (int)root.Element("size")!.Element("width")!);
            Assert.Equal(size, (int)root.Element("size")!.Element("height")!);
            Assert.Equal(3, (int)root.Element("size")!.Element("depth")!);
            var mask = PalettePng.Read(Path.Combine(tiny.Root, "SegmentationClass", id + ".png"));
            var objects = root.Elements("object").ToList();
            Assert.InRange(objects.Count, 1, 4);
            var named = new HashSet<int>();
            foreach (var o in objects)
            {
                int label = VocClasses.IndexOf(o.Element("name")!.Value) + 1;
                Assert.True(label > 0, $"{id}: unknown class {o.Element("name")!.Value}");
                Assert.Equal("Unspecified", o.Element("pose")!.Value);
                Assert.Equal("0", o.Element("difficult")!.Value);
                Assert.Contains(o.Element("truncated")!.Value, new[] { "0", "1" });
                var box = o.Element("bndbox")!;
                int xmin = (int)box.Element("xmin")!, ymin = (int)box.Element("ymin")!, xmax = (int)box.Element("xmax")!, ymax = (int)box.Element("ymax")!;
                Assert.True(1 <= xmin && xmin < xmax && xmax <= size && 1 <= ymin && ymin < ymax && ymax <= size, $"{id}: bad box");
                bool found = false;
                for (int y = ymin - 1; y < ymax && !found; y++)
                    for (int x = xmin - 1; x < xmax && !found; x++)
                        found = mask[y, x] == label;
                Assert.True(found, $"{id}: no pixel of {o.Element("name")!.Value} inside its box");
                named.Add(label);
            }
            var painted = mask.Labels.Where(v => v is > 0 and <= VocClasses.Count).Select(v => (int)v).ToHashSet();
            Assert.Equal(named.Order(), painted.Order());
        }
    }

    [Fact]
    public void SummaryAgreesWithTheFiles()
    {
        var s = tiny.Summary;
        Assert.Equal(Path.GetFullPath(tiny.Root), s.Root);
        Assert.Equal((6, 2, 3), (s.TrainAugImages, s.TrainImages, s.ValImages));
        var perClass = new int[VocClasses.Count];
        int objects = 0;
        foreach (var id in tiny.List("train_aug"))
        {
            var names = XDocument.Load(Path.Combine(tiny.Root, "Annotations", id + ".xml")).Root!.Elements("object").Select(o => o.Element("name")!.Value).ToList();
            objects += names.Count;
            foreach (var k in names.Select(VocClasses.IndexOf).Distinct()) perClass[k]++;
        }
        Assert.Equal(perClass, s.TrainAugImagesPerClass);
        Assert.Equal(VocClasses.Count + 1, s.LabelFractions.Count);
        Assert.Equal(1.0, s.LabelFractions.Sum() + s.VoidFraction, 9);
        Assert.InRange(s.ObjectsPerImage, 1, 4);
        var text = s.ToString();
        Assert.Contains("train_aug 6 images", text);
        Assert.Contains("tvmonitor", text);
    }

    [Fact]
    public void ReportsProgressForEveryImage()
    {
        var dir = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            var seen = new List<int>();
            SyntheticVocDataset.Generate(dir, new SyntheticOptions { Train = 3, Val = 1, Size = 48 }, new Recorder(seen));
            Assert.Equal([1, 2, 3, 4], seen.Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class Recorder(List<int> seen) : IProgress<StageProgress>
    {
        public void Report(StageProgress value)
        {
            Assert.Equal(4, value.Total);
            lock (seen) seen.Add(value.Done);
        }
    }

    [Fact]
    public void CancelledRunLeavesNoList()
    {
        var dir = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            var stale = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "ImageSets", "Segmentation")).FullName, "train_aug.txt");
            File.WriteAllText(stale, "train_000000\n");
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => SyntheticVocDataset.Generate(dir, TinySyntheticDataset.Options, null, cts.Token));
            Assert.False(File.Exists(stale));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void WriteFailureSurfacesAsItself()
    {
        var dir = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            // A folder where an annotation should go makes that one write fail inside the parallel loop.
            Directory.CreateDirectory(Path.Combine(dir, "Annotations", "train_000001.xml"));
            var e = Assert.ThrowsAny<IOException>(() => SyntheticVocDataset.Generate(dir, new SyntheticOptions { Train = 2, Val = 1, Size = 48 }));
            Assert.Contains("train_000001.xml", e.Message);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0, 1, 64, "--train")]
    [InlineData(1, 0, 64, "--val")]
    [InlineData(1, 1, 16, "--size")]
    public void BadFlagIsNamed(int train, int val, int size, string flag)
    {
        var bad = new SyntheticOptions { Train = train, Val = val, Size = size };
        var e = Assert.Throws<BadInputException>(() => SyntheticVocDataset.Generate(Path.GetTempPath(), bad));
        Assert.StartsWith(flag, e.Message);
    }

    [Fact]
    public void BadJpegQualityIsAnArgumentError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticVocDataset.Generate(Path.GetTempPath(), new SyntheticOptions { JpegQuality = 0 }));
        Assert.Equal("JpegQuality", e.ParamName);
    }
}

public class SyntheticManifestTests
{
    [Fact]
    public void EnsureKeepsADatasetOfThisGeneratorAndRemakesOneOfAnEarlierGenerator()
    {
        var root = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            var options = new SyntheticOptions { Train = 2, Val = 1, Size = 48, Seed = 3 };
            Assert.NotNull(SyntheticVocDataset.Ensure(root, options));
            var manifest = Path.Combine(root, SyntheticVocDataset.ManifestName);
            Assert.Contains($"\"Generator\":{SyntheticVocDataset.GeneratorVersion}", File.ReadAllText(manifest));
            Assert.Null(SyntheticVocDataset.Ensure(root, options));

            // The first generator's manifest held the options alone: its dataset is another world and is made anew.
            File.WriteAllText(manifest, System.Text.Json.JsonSerializer.Serialize(options));
            Assert.NotNull(SyntheticVocDataset.Ensure(root, options));
            Assert.Null(SyntheticVocDataset.Ensure(root, options));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
