using PuzzleCam.Crf;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Crf;

public class CrfBenchmarkTests
{
    [Theory]
    [InlineData("label", 1)]
    [InlineData("prob", 2)]
    public void TimesTheChosenCrfOnAnImageFile(string kind, int threads)
    {
        var dir = Directory.CreateTempSubdirectory("crfbench").FullName;
        var path = Path.Combine(dir, "image.jpg");
        var image = new RgbImage(40, 30);
        new Random(1).NextBytes(image.Pixels);
        ImageCodec.WriteJpeg(path, image);

        var result = CrfBenchmark.Run(new CrfBenchmarkOptions
        {
            ImagePath = path, Kind = CrfBenchmark.ParseKind(kind), Labels = 5, Iterations = 2, Threads = threads, Warmup = 0, Repeats = 2,
        });

        Assert.Equal((40, 30), (result.Width, result.Height));
        Assert.Equal(2, result.Timing.Seconds.Count);
        Assert.True(result.ImagesPerSecond > 0);
        Assert.StartsWith($"crf {kind} t=2, 5 labels, 40x30, {threads} thread", result.ToString());
    }

    [Fact]
    public void SyntheticInputsAreDeterministicAndValid()
    {
        var labels = CrfBenchmark.BlobLabels(50, 40, 21, 3);
        Assert.Equal(labels, CrfBenchmark.BlobLabels(50, 40, 21, 3));
        Assert.All(labels, v => Assert.InRange(v, 0, 20));
        Assert.True(labels.Distinct().Count() > 3);
        var probs = CrfBenchmark.SmoothProbabilities(50, 40, 21, 3);
        Assert.Equal(probs, CrfBenchmark.SmoothProbabilities(50, 40, 21, 3));
        for (int i = 0; i < 50 * 40; i++)
            Assert.Equal(1f, Enumerable.Range(0, 21).Sum(c => probs[c * 50 * 40 + i]), 4);
    }

    [Fact]
    public void BadSettingsAreNamed()
    {
        Assert.Throws<ArgumentException>(() => CrfBenchmark.ParseKind("dense"));
        Assert.Equal("Threads", Assert.Throws<ArgumentException>(() => CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = "x.jpg", Threads = 0 })).ParamName);
        Assert.Throws<FileNotFoundException>(() => CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = "/nonexistent/x.jpg" }));
    }
}
