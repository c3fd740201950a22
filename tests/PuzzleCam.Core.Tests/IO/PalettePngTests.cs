using PuzzleCam.IO;
using SkiaSharp;

namespace PuzzleCam.Core.Tests.IO;

public class PalettePngTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData("pil_palette.png")]
    [InlineData("pil_grey.png")]
    public void ReadsIndicesOfPngsWrittenByPil(string file)
    {
        var expected = Npy.Read(Fixture("pil_indices.npy"));
        var map = PalettePng.Read(Fixture(file));
        Assert.Equal(expected.Shape[0], map.Height);
        Assert.Equal(expected.Shape[1], map.Width);
        Assert.Equal(expected.Data, map.Labels);
    }

    [Fact]
    public void ReadsEveryRowFilterOfAnAdaptiveEncoder()
    {
        // libpng (through SkiaSharp) picks a filter per row for greyscale images, so all five filters get exercised.
        const int w = 61, h = 47;
        var grey = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                grey[y * w + x] = (byte)((x * x + 3 * y * x + 7 * y) % 251);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var map = PalettePng.Read(data.ToArray(), "skia.png");
        Assert.Equal(grey, map.Labels);
    }

    [Fact]
    public void RoundTripsWithTheVocPalette()
    {
        var map = new LabelMap(5, 3, [0, 1, 2, 3, 4, 20, 255, 0, 7, 7, 15, 15, 15, 0, 1]);
        var path = Path.Combine(Directory.CreateTempSubdirectory("png").FullName, "m.png");
        PalettePng.Write(path, map);
        Assert.Equal(map.Labels, PalettePng.Read(path).Labels);
        using var decoded = SKBitmap.Decode(path);
        Assert.Equal(new SKColor(128, 0, 0), decoded.GetPixel(1, 0));
        Assert.Equal(new SKColor(224, 224, 192), decoded.GetPixel(1, 1));
    }

    [Fact]
    public void CorruptionIsReportedWithTheFileName()
    {
        var bytes = PalettePng.Encode(new LabelMap(4, 4));
        bytes[^20] ^= 0x55;
        var e = Assert.Throws<InvalidDataFileException>(() => PalettePng.Read(bytes, "broken.png"));
        Assert.StartsWith("broken.png", e.Message);
        Assert.Throws<InvalidDataFileException>(() => PalettePng.Read(bytes.AsSpan(0, bytes.Length / 2), "half.png"));
        Assert.Throws<InvalidDataFileException>(() => PalettePng.Read("not a png"u8, "text.png"));
    }
}
