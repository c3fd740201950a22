using PuzzleCam.Benchmarks;
using PuzzleCam.Crf;
using PuzzleCam.IO;
using SkiaSharp;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Crf;

public class CrfBenchmarkTests(ITestOutputHelper output)
{
    /// <summary>
    /// A VOC-sized (500×375) test JPEG for <c>puzzlecam bench crf</c>: case09's real image, upscaled and given a
    /// little seeded noise so that the bilateral lattice sees texture, written to the temp folder.
    /// </summary>
    private static string WriteMeasuringJpeg()
    {
        var path = Path.Combine(Path.GetTempPath(), "puzzlecam-crf-500x375.jpg");
        var source = GoldenData.Load("case09_crf", "image_u8.npy");
        var small = new RgbImage((int)source.Shape[1], (int)source.Shape[0], source.ToArray<byte>());
        using var bitmap = SKBitmap.Decode(ImageCodec.EncodePng(small));
        using var large = bitmap.Resize(new SKImageInfo(500, 375), SKFilterQuality.High);
        var image = new RgbImage(500, 375);
        var rng = new Random(7);
        for (int y = 0; y < 375; y++)
            for (int x = 0; x < 500; x++)
            {
                var c = large.GetPixel(x, y);
                int noise = rng.Next(-8, 9);
                int o = (y * 500 + x) * 3;
                image.Pixels[o] = (byte)Math.Clamp(c.Red + noise, 0, 255);
                image.Pixels[o + 1] = (byte)Math.Clamp(c.Green + noise, 0, 255);
                image.Pixels[o + 2] = (byte)Math.Clamp(c.Blue + noise, 0, 255);
            }
        ImageCodec.WriteJpeg(path, image);
        return path;
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void RunsOnAVocSizedJpeg()
    {
        var path = WriteMeasuringJpeg();
        var result = CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = path, Iterations = 1, Warmup = 0, Repeats = 1 });
        output.WriteLine($"{path}: {result}");
        Assert.Equal((500, 375), (result.Width, result.Height));
    }

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
            ImagePath = path, Kind = kind == "label" ? CrfKind.Label : CrfKind.Probability, Labels = 5, Iterations = 2, Threads = threads, Warmup = 0, Repeats = 2,
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
        Assert.Contains("--threads", Assert.Throws<BadInputException>(() => CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = "x.jpg", Threads = 0 })).Message);
        Assert.Contains("--repeats", Assert.Throws<BadInputException>(() => CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = "x.jpg", Repeats = 0 })).Message);
        Assert.Throws<FileNotFoundException>(() => CrfBenchmark.Run(new CrfBenchmarkOptions { ImagePath = "/nonexistent/x.jpg" }));
    }
}
