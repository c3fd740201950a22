using System.Globalization;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Data.Transforms;

/// <summary>
/// case04 of the golden vectors: one image resized by Pillow 9.4 BICUBIC to (round(W*s), round(H*s)) at each scale, and
/// the normalised CHW stacks [image, flipped image] fed to the model.
/// </summary>
[Trait("Category", "Golden")]
public class PilResizeGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case04_multiscale_cam_resnet50";

    public static TheoryData<string> Scales()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(GoldenData.CaseDir(Case), "resized_u8_s*.npy").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file)["resized_u8_s".Length..]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void BicubicMatchesPillowPixelForPixel(string scale)
    {
        var source = ToImage(GoldenData.Load(Case, "image_u8.npy"));
        var expected = GoldenData.Load(Case, $"resized_u8_s{scale}.npy");
        var (width, height) = ScaledSize(source, scale);
        Assert.Equal([height, width, 3L], expected.Shape);

        var actual = PilResize.Bicubic(source, width, height);

        int max = 0;
        long total = 0;
        var want = expected.AsSpan<byte>();
        for (int i = 0; i < want.Length; i++)
        {
            int d = Math.Abs(actual.Pixels[i] - want[i]);
            max = Math.Max(max, d);
            total += d;
        }
        output.WriteLine($"scale {scale}: {width}x{height}, max |diff| {max}, mean |diff| {(double)total / want.Length:G4}");
        Assert.Equal(0, max);
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void NormalizedStackMatchesModelInput(string scale)
    {
        var resized = ToImage(GoldenData.Load(Case, $"resized_u8_s{scale}.npy"));
        var expected = GoldenData.Load(Case, $"input_s{scale}.npy");
        Assert.Equal([2L, 3, resized.Height, resized.Width], expected.Shape);

        var normalize = new Normalize();
        var plain = normalize.Apply(resized);
        var flipped = normalize.Apply(RandomHorizontalFlip.Flip(resized));

        var want = expected.AsSpan<float>();
        int n = plain.Data.Length;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            max = Math.Max(max, Math.Abs(plain.Data[i] - want[i]));
            max = Math.Max(max, Math.Abs(flipped.Data[i] - want[n + i]));
        }
        output.WriteLine($"scale {scale}: max |diff| {max:G4}");
        Assert.Equal(0.0, max);
    }

    internal static RgbImage ToImage(NpyArray hwc)
    {
        Assert.Equal(NpyDType.UInt8, hwc.DType);
        Assert.Equal(3, hwc.Shape.Length);
        Assert.Equal(3L, hwc.Shape[2]);
        return new RgbImage((int)hwc.Shape[1], (int)hwc.Shape[0], hwc.AsSpan<byte>().ToArray());
    }

    // The case's rule: (round(W*s), round(H*s)) with Python's half-to-even rounding of the double product.
    private static (int Width, int Height) ScaledSize(RgbImage image, string scale)
    {
        double s = double.Parse(scale, CultureInfo.InvariantCulture);
        return ((int)Math.Round(image.Width * s, MidpointRounding.ToEven), (int)Math.Round(image.Height * s, MidpointRounding.ToEven));
    }
}
