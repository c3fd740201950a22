using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.IO;

public class CompleteFileTests
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("complete").FullName;

    private static string Cut(string path, int keep)
    {
        var bytes = File.ReadAllBytes(path);
        var cut = Path.Combine(Folder, "cut-" + Path.GetFileName(path));
        File.WriteAllBytes(cut, bytes[..keep]);
        return cut;
    }

    [Fact]
    public void AWholePngIsCompleteAndACutOrEmptyOneIsNot()
    {
        var path = Path.Combine(Folder, "a.png");
        PalettePng.Write(path, new LabelMap(8, 6));
        Assert.True(CompleteFile.IsComplete(path));
        Assert.False(CompleteFile.IsComplete(Cut(path, (int)new FileInfo(path).Length - 1)));
        Assert.False(CompleteFile.IsComplete(Cut(path, 0)));
        Assert.False(CompleteFile.IsComplete(Path.Combine(Folder, "missing.png")));
    }

    [Fact]
    public void AWholeNpzIsCompleteAndACutOneIsNot()
    {
        var path = Path.Combine(Folder, "a.npz");
        Npz.Write(path, new Dictionary<string, NpyArray> { ["keys"] = NpyArray.Create<long>([0, 3], 2) });
        Assert.True(CompleteFile.IsComplete(path));
        Assert.False(CompleteFile.IsComplete(Cut(path, (int)new FileInfo(path).Length - 5)));
    }

    [Fact]
    public void ANpyIsCompleteOnlyWithAllItsData()
    {
        var path = Path.Combine(Folder, "a.npy");
        Npy.Write(path, NpyArray.Create<long>([1, 2, 3, 4], 2, 2));
        Assert.True(CompleteFile.IsComplete(path));
        Assert.False(CompleteFile.IsComplete(Cut(path, (int)new FileInfo(path).Length - 8)));
        Assert.False(CompleteFile.IsComplete(Cut(path, 5)));
    }
}
