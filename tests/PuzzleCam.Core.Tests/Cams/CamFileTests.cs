using System.IO.Compression;
using PuzzleCam.Cams;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Cams;

public sealed class CamFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("camfile").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RoundTripsWithTheReferenceArrayNames()
    {
        var cam = new ClassMaps(2, 2, 3, Enumerable.Range(0, 12).Select(i => i / 12f).ToArray());
        var hr = new ClassMaps(2, 4, 6, Enumerable.Range(0, 48).Select(i => i / 48f).ToArray());
        var path = Path.Combine(dir, "2007_000032.npz");
        new CamFile([0, 1, 15], cam, hr).Write(path);

        using (var zip = ZipFile.OpenRead(path))
            Assert.Equal(new[] { "keys.npy", "cam.npy", "hr_cam.npy" }, zip.Entries.Select(e => e.FullName));
        var back = CamFile.Read(path);
        Assert.Equal(new long[] { 0, 1, 15 }, back.Keys);
        Assert.Equal(cam.Values, back.Cam!.Values);
        Assert.Equal((2, 4, 6), (back.HighResCam!.Classes, back.HighResCam.Height, back.HighResCam.Width));
        Assert.Same(back.HighResCam, back.ImageSizeMaps);
        Assert.Null(back.RandomWalk);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void InconsistentFilesAreRefusedNamingThem()
    {
        var path = Path.Combine(dir, "bad.npz");
        Assert.Throws<ArgumentException>(() => new CamFile([0, 1], Cam: new ClassMaps(2, 1, 1, [0f, 0f])).Write(path));
        Assert.Throws<ArgumentException>(() => new CamFile([1], Cam: new ClassMaps(0, 1, 1, [])).Write(path));

        Npz.Write(path, [new("keys", NpyArray.Create<long>([0, 4], 2)), new("rw", NpyArray.Create<double>([0.5], 1, 1, 1))]);
        var e = Assert.Throws<InvalidDataFileException>(() => CamFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("'rw'", e.Message);

        Npz.Write(path, [new("hr_cam", NpyArray.Create<float>([0.5f], 1, 1, 1))]);
        Assert.Contains("'keys'", Assert.Throws<InvalidDataFileException>(() => CamFile.Read(path)).Message);

        Npz.Write(path, [new("keys", NpyArray.Create<long>([0, 4, 5], 3)), new("rw", NpyArray.Create<float>([0.5f], 1, 1, 1))]);
        Assert.Contains("planes", Assert.Throws<InvalidDataFileException>(() => CamFile.Read(path)).Message);
    }

    [Theory]
    [InlineData(new long[] { 0, 101 }, "must hold labels 0..20")]
    [InlineData(new long[] { 0, 3, 3 }, "each label once")]
    [InlineData(new long[] { 0, 5, 2 }, "each label once")]
    public void KeysOutsideTheVocLabelsOrRepeatedAreRefused(long[] keys, string says)
    {
        var path = Path.Combine(dir, "keys.npz");
        int planes = keys.Length - 1;
        Npz.Write(path, [new("keys", NpyArray.Create<long>(keys, keys.Length)), new("rw", NpyArray.Create<float>(new float[planes], planes, 1, 1))]);
        Assert.Contains(says, Assert.Throws<InvalidDataFileException>(() => CamFile.Read(path)).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void MapsThatAreNotFiniteAreRefused(float value)
    {
        var path = Path.Combine(dir, "nan.npz");
        Npz.Write(path, [new("keys", NpyArray.Create<long>([0, 4], 2)), new("cam", NpyArray.Create<float>([0.5f, value], 1, 1, 2))]);
        var e = Assert.Throws<InvalidDataFileException>(() => CamFile.Read(path));
        Assert.Contains("'cam' holds a value that is not a finite number", e.Message);
    }
}
