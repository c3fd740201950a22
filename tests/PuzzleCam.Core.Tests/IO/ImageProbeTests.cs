using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.IO;

public class ImageProbeTests
{
    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("probe").FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Jpeg() => ImageCodec.EncodeJpeg(new RgbImage(16, 8, Enumerable.Range(0, 16 * 8 * 3).Select(i => (byte)i).ToArray()));

    [Fact]
    public void WholeImagesPass()
    {
        ImageCodec.Probe(Write("a.jpg", Jpeg()));
        ImageCodec.Probe(Write("a.png", ImageCodec.EncodePng(new RgbImage(4, 4, new byte[48]))));
    }

    [Fact]
    public void AJpegPaddedAfterItsEndMarkerPassesOnAFullDecode() => ImageCodec.Probe(Write("padded.jpg", [.. Jpeg(), 0, 0, 0, 0]));

    [Fact]
    public void ATruncatedJpegFailsNamingTheFile()
    {
        var bytes = Jpeg();
        var path = Write("cut.jpg", bytes[..(bytes.Length * 2 / 3)]);
        Assert.Equal(path, Assert.Throws<InvalidDataFileException>(() => ImageCodec.Probe(path)).FilePath);
    }

    [Fact]
    public void NoImageAtAllFailsNamingTheFile()
    {
        var path = Write("text.jpg", "not an image"u8.ToArray());
        Assert.Equal(path, Assert.Throws<InvalidDataFileException>(() => ImageCodec.Probe(path)).FilePath);
    }
}
