using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Crf;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Affinity;

/// <summary>Golden case 09: make_affinity_labels on a real image downscaled to 72x96 with synthetic CAMs, exact.</summary>
public class AffinityLabelsGoldenTests
{
    private const string Case = "case09_crf";

    internal static RgbImage LoadImage(string caseName, string file)
    {
        var array = GoldenData.Load(caseName, file);
        return new RgbImage((int)array.Shape[1], (int)array.Shape[0], array.ToArray<byte>());
    }

    internal static ClassMaps LoadMaps(string caseName, string file)
    {
        var array = GoldenData.Load(caseName, file);
        return ClassMaps.FromNpy(array, file, file);
    }

    private static byte[] Expected(string file)
    {
        var array = GoldenData.Load(Case, file);
        return array.DType == NpyDType.Int64 ? array.ToArray<long>().Select(v => (byte)v).ToArray() : array.ToArray<byte>();
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void ThresholdArgmaxAndCrfMapsMatchReference()
    {
        var image = LoadImage(Case, "image_u8.npy");
        var cams = LoadMaps(Case, "cams.npy");
        var keys = GoldenData.Load(Case, "keys.npy").ToArray<long>();
        var crf = new DenseCrf();
        foreach (var (prefix, threshold) in new[] { ("aff_fg", 0.40), ("aff_bg", 0.10) })
        {
            var indices = ThresholdLabels.Argmax(cams, (float)threshold);
            Assert.Equal(Expected($"{prefix}_argmax.npy"), indices);
            ThresholdLabels.Refine(indices, keys.Length, image, AffinityLabels.CrfIterations, crf);
            ThresholdLabels.MapThroughKeys(indices, keys);
            Assert.Equal(Expected($"{prefix}_conf.npy"), indices);
        }
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void ConfidentMapMatchesReference()
    {
        var image = LoadImage(Case, "image_u8.npy");
        var cams = LoadMaps(Case, "cams.npy");
        var keys = GoldenData.Load(Case, "keys.npy").ToArray<long>();
        var map = AffinityLabels.Compute(cams, keys, image, AffinityLabelOptions.Readme);
        Assert.Equal(Expected("aff_conf.npy"), map.Labels);
        Assert.Contains(AffinityLabels.Ignore, map.Labels);

        // Stage 4 reads the map back from a palette PNG: every value, 255 included, survives the round trip.
        var read = PalettePng.Read(PalettePng.Encode(map), "aff_conf.png");
        Assert.Equal(map.Labels, read.Labels);

        var file = new CamFile(keys, HighResCam: cams);
        Assert.Equal(map.Labels, AffinityLabels.Compute(file, image, AffinityLabelOptions.Readme, new DenseCrf()).Labels);
        Assert.Equal(map.Labels, AffinityLabels.Compute(cams, keys, image, AffinityLabelOptions.Readme, new DenseCrf(), new DenseCrf()).Labels);
    }

    [Theory]
    [InlineData(-0.1, 0.05, "--fg_threshold")]
    [InlineData(1.5, 0.05, "--fg_threshold")]
    [InlineData(0.3, double.NaN, "--bg_threshold")]
    [InlineData(0.3, 0.4, "--bg_threshold")]
    public void OptionsNameTheBadFlag(double fg, double bg, string flag)
    {
        var error = Assert.Throws<BadInputException>(() => new AffinityLabelOptions { FgThreshold = fg, BgThreshold = bg }.Validate());
        Assert.StartsWith(flag, error.Message);
    }

    [Fact]
    public void DefaultsAreTheScriptsAndReadmeTheReadmes()
    {
        var defaults = new AffinityLabelOptions();
        Assert.Equal((0.30, 0.05), (defaults.FgThreshold, defaults.BgThreshold));
        Assert.Equal((0.40, 0.10), (AffinityLabelOptions.Readme.FgThreshold, AffinityLabelOptions.Readme.BgThreshold));
        defaults.Validate();
        AffinityLabelOptions.Readme.Validate();
    }

    [Fact]
    public void RejectsMapsOfAnotherSize()
    {
        var image = new RgbImage(4, 3);
        var cams = new ClassMaps(1, 4, 3, new float[12]);
        var error = Assert.Throws<ArgumentException>(() => AffinityLabels.Compute(cams, [0, 7], image, new AffinityLabelOptions()));
        Assert.Contains("hr_cam", error.Message);
    }
}
