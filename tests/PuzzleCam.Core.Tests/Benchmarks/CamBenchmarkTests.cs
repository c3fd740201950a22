using PuzzleCam.Benchmarks;
using PuzzleCam.Cams;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Cams;

public sealed class CamBenchmarkTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cambench").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void TimesTheMultiScaleCamOfAnImage()
    {
        var path = Path.Combine(dir, "photo.png");
        var image = new RgbImage(40, 24);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 7);
        ImageCodec.WritePng(path, image);

        var lines = new List<string>();
        var result = CamBenchmark.RunMultiScale(
            new CamBenchmarkOptions { ImagePath = path, Architecture = "resnet18", Scales = [0.5, 1.0], Gpus = "cpu", Warmup = 1, Repeats = 2, ReportMemoryEvery = 1 }, lines.Add);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("run 2: resident memory ", lines[1]);
        Assert.Equal((40, 24, "cpu"), (result.Width, result.Height, result.Device));
        Assert.Equal(2, result.Total.Seconds.Count);
        Assert.True(result.Prepare.Median <= result.Total.Median);
        Assert.StartsWith("cam resnet18, 40x24, scales 0.5,1.0, 20 classes, cpu: median", result.ToString());
    }
}
