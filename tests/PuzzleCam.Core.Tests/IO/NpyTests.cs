using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.IO;

public class NpyTests
{
    [Fact]
    public void RoundTripsEveryWrittenType()
    {
        var dir = Directory.CreateTempSubdirectory("npy").FullName;
        var f = NpyArray.Create<float>([1.5f, -2f, 3f, 4f, 5f, 6f], 2, 3);
        var l = NpyArray.Create<long>([1, -2, long.MaxValue], 3);
        var b = NpyArray.Create<byte>([0, 255, 7, 9], 2, 2);
        foreach (var (name, a) in new[] { ("f", f), ("l", l), ("b", b) })
        {
            var path = Path.Combine(dir, name + ".npy");
            Npy.Write(path, a);
            var back = Npy.Read(path);
            Assert.Equal(a.DType, back.DType);
            Assert.Equal(a.Shape, back.Shape);
            Assert.Equal(a.Data, back.Data);
        }
        var npz = Path.Combine(dir, "all.npz");
        Npz.Write(npz, new Dictionary<string, NpyArray> { ["f"] = f, ["l"] = l, ["b"] = b });
        var read = Npz.Read(npz);
        Assert.Equal(new[] { "b", "f", "l" }, read.Keys.Order());
        Assert.Equal(f.ToArray<float>(), read["f"].ToArray<float>());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void ReadsGoldenFilesOfEachType()
    {
        var image = GoldenData.Load("case04_multiscale_cam_resnet50", "image_u8.npy");
        Assert.Equal(NpyDType.UInt8, image.DType);
        // The shape is the case's own: an image, height by width by RGB, as large as the element count says.
        Assert.Equal(3, image.Shape.Length);
        Assert.Equal(3L, image.Shape[2]);
        Assert.Equal(image.Shape[0] * image.Shape[1] * 3, image.ToArray<byte>().LongLength);
        var keys = GoldenData.Load("case04_multiscale_cam_resnet50", "keys.npy");
        Assert.Equal(NpyDType.Int64, keys.DType);
        Assert.Equal(0L, keys.ToArray<long>()[0]);
        var cams = GoldenData.Load("case04_multiscale_cam_resnet50", "hr_cams.npy");
        Assert.Equal(NpyDType.Float32, cams.DType);
        Assert.InRange(cams.ToArray<float>().Max(), 0.9f, 1f);
    }

    [Fact]
    public void CorruptFileNamesItself()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("npy").FullName, "bad.npy");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InvalidDataFileException>(() => Npy.Read(path));
        Assert.Contains("bad.npy", e.Message);
    }
}
