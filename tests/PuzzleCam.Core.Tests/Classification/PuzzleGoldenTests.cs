using System.Text.RegularExpressions;
using PuzzleCam.Classification;
using static TorchSharp.torch;
using static PuzzleCam.Core.Tests.TensorIO;

namespace PuzzleCam.Core.Tests.Classification;

[Trait("Category", "Golden")]
public partial class PuzzleGoldenTests
{
    private const string Tiles = "case01_puzzle_tile_merge";
    private const string Losses = "case02_cam_and_losses";

    [Theory]
    [InlineData("x.npy", "tiled4.npy", "merged4.npy")]
    [InlineData("x.npy", "tiled16.npy", "merged16.npy")]
    [InlineData("x_rect.npy", "tiled4_rect.npy", "merged4_rect.npy")]
    public void TilesAndMergesAsTheReference(string input, string tiledFile, string mergedFile)
    {
        using var scope = NewDisposeScope();
        var x = Golden(Tiles, input);
        var expectedTiles = Golden(Tiles, tiledFile);
        int pieces = (int)(expectedTiles.shape[0] / x.shape[0]);
        var tiled = PuzzleModule.TileFeatures(x, pieces);
        Assert.True(tiled.equal(expectedTiles).all().item<bool>());
        var merged = PuzzleModule.MergeFeatures(tiled, pieces, x.shape[0]);
        Assert.True(merged.equal(Golden(Tiles, mergedFile)).all().item<bool>());
    }

    [Fact]
    public void MakeCamAndLogitsMatch()
    {
        using var scope = NewDisposeScope();
        var features = Golden(Losses, "features.npy");
        AssertClose(ClassActivationMaps.MakeCam(features), Golden(Losses, "make_cam_features.npy"), what: "make_cam(features)");
        AssertClose(ClassActivationMaps.MakeCam(Golden(Losses, "re_features.npy")), Golden(Losses, "make_cam_re_features.npy"), what: "make_cam(re)");
        AssertClose(ClassActivationMaps.GlobalAveragePool(features), Golden(Losses, "logits.npy"), what: "logits");
        AssertClose(PuzzleLosses.ClassificationLossPerSample(Golden(Losses, "logits.npy"), Golden(Losses, "labels.npy")),
            Golden(Losses, "class_loss_per_sample.npy"), what: "class loss");
    }

    [Fact]
    public void EveryScalarOfTheCaseMatches()
    {
        using var scope = NewDisposeScope();
        var features = Golden(Losses, "features.npy");
        var re = Golden(Losses, "re_features.npy");
        var tiledLogits = Golden(Losses, "tiled_logits.npy");
        var labels = Golden(Losses, "labels.npy");
        var logits = ClassActivationMaps.GlobalAveragePool(features);
        using var doc = GoldenData.Json(Losses, "scalars.json");
        int checkedCount = 0;
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            double expected = entry.Value.GetDouble();
            double actual = Evaluate(entry.Name, features, re, tiledLogits, labels, logits);
            Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Abs(expected) + 1e-6, $"{entry.Name}: {actual} vs {expected}");
            checkedCount++;
        }
        Assert.True(checkedCount > 0);
    }

    private static double Evaluate(string key, Tensor features, Tensor re, Tensor tiledLogits, Tensor labels, Tensor logits)
    {
        var args = ArgsRegex().Match(key);
        var name = args.Success ? key[..args.Index] : key;
        var parts = args.Success ? args.Groups[1].Value.Split(',') : [];
        string Named(string n) => parts.Single(p => p.StartsWith(n + "=", StringComparison.Ordinal))[(n.Length + 1)..];
        switch (name)
        {
            case "alpha_schedule":
                var options = new PuzzleLossOptions { Alpha = double.Parse(Named("alpha"), System.Globalization.CultureInfo.InvariantCulture), AlphaSchedule = double.Parse(Named("schedule"), System.Globalization.CultureInfo.InvariantCulture) };
                return options.AlphaAt(long.Parse(Named("iteration"), System.Globalization.CultureInfo.InvariantCulture), long.Parse(Named("max_iteration"), System.Globalization.CultureInfo.InvariantCulture));
            case "class_loss":
                return PuzzleLosses.ClassificationLoss(logits, labels).item<float>();
            case "p_class_loss":
                return PuzzleLosses.ClassificationLoss(ClassActivationMaps.GlobalAveragePool(re), labels).item<float>();
            case "conf_loss":
                return PuzzleLosses.ShannonEntropyLoss(tiledLogits).item<float>();
            case "re_loss":
            {
                bool cam = Named("level") == "cam";
                var (f, r) = cam ? (ClassActivationMaps.MakeCam(features), ClassActivationMaps.MakeCam(re)) : (features, re);
                return PuzzleLosses.ReconstructionLoss(f, r, labels, Distance(parts[1]), Selection(parts[2])).item<float>();
            }
            case "total_loss":
            {
                var options2 = PuzzleLossOptions.WithLossOption(new PuzzleLossOptions(), parts[0]) with
                {
                    Distance = Distance(parts[1]),
                    Selection = Selection(parts[2]),
                    Level = parts[3] == "cam" ? LossLevel.Cam : LossLevel.Feature,
                };
                return PuzzleLosses.Compute(options2, logits, features, re, tiledLogits, labels, double.Parse(Named("alpha"), System.Globalization.CultureInfo.InvariantCulture)).Total.item<float>();
            }
            default:
                throw new InvalidOperationException($"scalar {key} is not understood by this test");
        }
    }

    private static ReconstructionDistance Distance(string s) => s.StartsWith("L1", StringComparison.Ordinal) ? ReconstructionDistance.L1 : ReconstructionDistance.L2;

    private static ReconstructionSelection Selection(string s) => s switch
    {
        "masking" => ReconstructionSelection.Masking,
        "selection" => ReconstructionSelection.Selection,
        _ => ReconstructionSelection.None,
    };

    [GeneratedRegex(@"\[(.*)\]$")]
    private static partial Regex ArgsRegex();
}
