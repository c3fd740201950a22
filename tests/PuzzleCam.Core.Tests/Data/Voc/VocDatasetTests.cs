using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Voc;

public class VocDatasetTests
{
    private static VocTree GoodTree() => new VocTree()
        .AddImage("a", 20, 10, ("dog", 1, 1, 10, 8), ("person", 3, 2, 19, 9), ("dog", 2, 2, 5, 5)).AddMask("a", 20, 10, 12)
        .AddImage("b", 12, 16, ("tvmonitor", 0, 0, 30, 30))
        .List("train", "a", "b");

    [Fact]
    public void ReadsImagesTagsAndMasksAsTheReference()
    {
        var tree = GoodTree();
        var dataset = VocDataset.Open(tree.Root, ImageListSource.FromDomain("train"));
        Assert.Equal(["a", "b"], dataset.Ids);
        var a = dataset.Read("a");
        Assert.Equal((20, 10), (a.Image.Width, a.Image.Height));
        Assert.Equal(1f, a.Tags[11]);
        Assert.Equal(1f, a.Tags[14]);
        Assert.Equal(2f, a.Tags.Sum());
        Assert.Equal(12, a.Mask![5, 5]);
        var b = dataset.Read("b");
        Assert.Null(b.Mask);
        Assert.Equal(1f, b.Tags[19]);
    }

    [Fact]
    public void DropsObjectsWhoseClampedBoxIsDegenerate()
    {
        // The second object lies right of the image: clamped to x = 19..19 it has zero width and is skipped.
        var tree = new VocTree().AddImage("c", 20, 10, ("cat", 0, 0, 5, 5), ("cow", 25, 1, 40, 9)).List("train", "c");
        var tags = VocDataset.Open(tree.Root, ImageListSource.FromDomain("train")).ReadTags("c");
        Assert.Equal(1f, tags[7]);
        Assert.Equal(0f, tags[9]);
    }

    [Fact]
    public void ListFileOverridesDomain()
    {
        var tree = GoodTree();
        var list = Path.Combine(tree.Root, "mine.txt");
        File.WriteAllText(list, " b \r\n\r\n");
        Assert.Equal(["b"], VocDataset.Open(tree.Root, ImageListSource.FromFile(list)).Ids);
    }

    [Fact]
    public void MissingRootListOrImageNamesThePath()
    {
        var e1 = Assert.Throws<DirectoryNotFoundException>(() => VocDataset.Open("/no/such/voc", ImageListSource.FromDomain("train")));
        Assert.Contains("/no/such/voc", e1.Message);
        var tree = GoodTree();
        var e2 = Assert.Throws<FileNotFoundException>(() => VocDataset.Open(tree.Root, ImageListSource.FromDomain("train_aug")));
        Assert.Contains("train_aug.txt", e2.Message);
        Assert.Contains("make-train-aug", e2.Message);
        tree.List("ghost", "a", "zzz");
        var e3 = Assert.Throws<FileNotFoundException>(() => VocDataset.Open(tree.Root, ImageListSource.FromDomain("ghost")));
        Assert.Contains("zzz.jpg", e3.Message);
        File.WriteAllText(tree.PathOf("ImageSets/Segmentation/empty.txt"), "\n");
        var e4 = Assert.Throws<InvalidDataFileException>(() => VocDataset.Open(tree.Root, ImageListSource.FromDomain("empty")));
        Assert.Contains("empty.txt", e4.Message);
    }

    public static TheoryData<string, Action<VocTree>, string> BadFiles => new()
    {
        { "corrupt JPEG", t => File.WriteAllBytes(t.PathOf("JPEGImages/a.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]), "a.jpg" },
        { "truncated JPEG", t => Truncate(t.PathOf("JPEGImages/a.jpg")), "a.jpg" },
        { "corrupt PNG", t => Truncate(t.PathOf("SegmentationClass/a.png")), "a.png" },
        { "no object", t => t.WriteXml("a", 20, 10), "a.xml" },
        { "unknown class", t => t.WriteXml("a", 20, 10, ("unicorn", 1, 1, 5, 5)), "unicorn" },
        { "malformed XML", t => File.WriteAllText(t.PathOf("Annotations/a.xml"), "<annotation><size>"), "a.xml" },
        { "mask value", t => t.AddMask("a", 20, 10, 21), "mask value 21" },
        { "mask size", t => t.AddMask("a", 8, 8, 1), "8x8" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadInputStopsWithTheFileOrSkipsWhenAsked(string what, Action<VocTree> spoil, string expected)
    {
        var tree = GoodTree();
        spoil(tree);
        var dataset = VocDataset.Open(tree.Root, ImageListSource.FromDomain("train"));
        var e = Assert.Throws<InvalidDataFileException>(() => dataset.Scan(skipBad: false));
        Assert.True(e.Message.Contains(expected), $"{what}: '{e.Message}' should name '{expected}'");
        var report = dataset.Scan(skipBad: true);
        Assert.Equal(["b"], report.Kept);
        Assert.Single(report.Skipped);
        Assert.Equal("a", report.Skipped[0].Id);
    }

    [Fact]
    public void TrainAugIsSbdPlusVocTrainMinusVocVal()
    {
        var ids = ImageList.DeriveTrainAug(["3", "1"], ["2", "9"], ["1", "4"], ["9"]);
        Assert.Equal(["1", "2", "3", "4"], ids);
    }

    private static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }
}
