using System.Text.Json;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Transforms;

/// <summary>
/// Every colour and geometry operation of <c>--augment</c> against Pillow 9.4's own output (Fixtures/augment, made by
/// make_fixtures.py there). Each case names its input, operation and parameters; the comparison is exact.
/// </summary>
public class PillowAugmentParityTests
{
    private static readonly Lazy<(IReadOnlyDictionary<string, NpyArray> Arrays, Dictionary<string, JsonElement> Cases)> Fixture = new(() =>
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "augment");
        var arrays = Npz.Read(Path.Combine(dir, "pillow_augment.npz"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToDictionary(c => c.GetProperty("name").GetString()!);
        return (arrays, cases);
    });

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, c) in Fixture.Value.Cases) data.Add(name, Describe(c));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPillow(string name, string description)
    {
        var c = Fixture.Value.Cases[name];
        var input = Image(c.GetProperty("input").GetString()!);
        var expected = Fixture.Value.Arrays[name];
        byte[] actual = Run(c, input);
        Assert.Equal(expected.Count, actual.Length);
        var want = expected.AsSpan<byte>();
        int first = -1, mismatches = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == want[i]) continue;
            mismatches++;
            if (first < 0) first = i;
        }
        Assert.True(mismatches == 0,
            $"{description}: {mismatches} of {actual.Length} values differ; first at byte {first}: got {(first < 0 ? 0 : actual[first])}, Pillow {(first < 0 ? 0 : want[first])}");
    }

    private static byte[] Run(JsonElement c, RgbImage input)
    {
        double Number(string key) => c.GetProperty(key).GetDouble();
        int Integer(string key) => c.GetProperty(key).GetInt32();
        switch (c.GetProperty("op").GetString())
        {
            case "grayscale": return PilConvert.Grayscale(input);
            case "rgb_to_hsv":
            {
                var hsv = new byte[input.Pixels.Length];
                PilConvert.RgbToHsv(input.Pixels, hsv);
                return hsv;
            }
            case "hsv_to_rgb":
            {
                var rgb = new byte[input.Pixels.Length];
                PilConvert.HsvToRgb(input.Pixels, rgb);
                return rgb;
            }
            case "brightness": return ImageEnhance.Brightness(input, Number("factor")).Pixels;
            case "color": return ImageEnhance.Color(input, Number("factor")).Pixels;
            case "contrast": return ImageEnhance.Contrast(input, Number("factor")).Pixels;
            case "sharpness": return ImageEnhance.Sharpness(input, Number("factor")).Pixels;
            case "autocontrast": return ImageOps.AutoContrast(input).Pixels;
            case "equalize": return ImageOps.Equalize(input).Pixels;
            case "posterize": return ImageOps.Posterize(input, Integer("bits")).Pixels;
            case "solarize": return ImageOps.Solarize(input, Integer("threshold")).Pixels;
            case "rotate": return AffineTransform.Rotate(input, Number("degrees")).Pixels;
            case "affine":
            {
                var m = c.GetProperty("matrix").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                return AffineTransform.Nearest(input, m[0], m[1], m[2], m[3], m[4], m[5]).Pixels;
            }
            case "hue": return ColorJitter.AdjustHue(input, Number("hue")).Pixels;
            case "colorjitter":
            {
                var order = c.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var factors = new JitterFactors(Number("brightness"), Number("contrast"), Number("saturation"), Number("hue"));
                return ColorJitter.Adjust(input, order, factors).Pixels;
            }
            case "randaugment":
            {
                var op = Enum.Parse<RandAugmentOp>(c.GetProperty("operation").GetString()!);
                return RandAugment.ApplyOp(input, op, Integer("v"), c.GetProperty("negate").GetBoolean()).Pixels;
            }
            case "cutout": return RandAugment.CutoutAbs(input, Number("cx"), Number("cy"), RandAugment.CutoutSize).Pixels;
            case var other: throw new InvalidOperationException($"the fixture has an operation this test does not know: {other}");
        }
    }

    private static RgbImage Image(string name)
    {
        var array = Fixture.Value.Arrays["input_" + name];
        return new RgbImage((int)array.Shape[1], (int)array.Shape[0], array.AsSpan<byte>().ToArray());
    }

    private static string Describe(JsonElement c) =>
        string.Join(" ", c.EnumerateObject().Where(p => p.Name != "name").Select(p => $"{p.Name}={p.Value}"));
}
