using PuzzleCam.Classification;
using PuzzleCam.Core.Tests.Models;
using PuzzleCam.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Classification;

/// <summary>Golden case 02b: one Puzzle-CAM training step of a ResNet-50 classifier (forward, losses, backward).</summary>
[Trait("Category", "Golden")]
public class TrainStepGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case02b_puzzle_train_step_resnet50";

    [Theory]
    [InlineData("fix")]
    [InlineData("normal")]
    public void LossesGradientsAndStatisticsMatch(string mode)
    {
        var reference = ReferenceConstructor.Read(Case);
        using var model = Classifier.Create(reference.Architecture, Normalization.ParseMode(mode));
        GoldenWeights.Fill(model);
        model.train();
        using var scope = NewDisposeScope();
        var x = GoldenModel.LoadTensor(Case, "input.npy");
        var y = GoldenModel.LoadTensor(Case, "labels.npy");
        var losses = new PuzzleLossOptions { Alpha = Alpha(), Distance = ReconstructionDistance.L1, Selection = ReconstructionSelection.Masking };
        int pieces = (int)(GoldenModel.LoadTensor(Case, $"{mode}_tiled_logits.npy").shape[0] / x.shape[0]);
        var step = PuzzleStep.Run(model, x, y, pieces, losses, losses.Alpha);
        model.zero_grad();
        step.Terms.Total.backward();

        // Train-mode BatchNorm makes "normal" gradients sensitive to summation order (the golden README's 5e-2).
        double forwardTolerance = 1e-3, gradientTolerance = mode == "fix" ? 1e-3 : 5e-2;
        GoldenModel.AssertClose(Case, $"{mode}_logits.npy", step.Logits, output, forwardTolerance);
        GoldenModel.AssertClose(Case, $"{mode}_features.npy", step.Features, output, forwardTolerance);
        GoldenModel.AssertClose(Case, $"{mode}_tiled_logits.npy", step.TiledLogits, output, forwardTolerance);
        GoldenModel.AssertClose(Case, $"{mode}_tiled_features.npy", step.TiledFeatures, output, forwardTolerance);
        GoldenModel.AssertClose(Case, $"{mode}_re_features.npy", step.ReFeatures, output, forwardTolerance);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var file in Directory.GetFiles(GoldenData.CaseDir(Case), $"{mode}_grad_*.npy"))
        {
            var name = Path.GetFileNameWithoutExtension(file)[$"{mode}_grad_".Length..];
            var tolerance = name == "classifier.weight" ? 1e-3 : gradientTolerance;
            GoldenModel.AssertClose(Case, Path.GetFileName(file), parameters[name].grad!, output, tolerance);
        }
        var buffers = model.state_dict();
        foreach (var file in Directory.GetFiles(GoldenData.CaseDir(Case), $"{mode}_*_after.npy"))
        {
            var name = Path.GetFileNameWithoutExtension(file)[(mode.Length + 1)..^"_after".Length];
            GoldenModel.AssertClose(Case, Path.GetFileName(file), buffers[name], output, forwardTolerance);
        }

        using var scalars = GoldenData.Json(Case, "scalars.json");
        void Scalar(string key, Tensor actual)
        {
            double expected = scalars.RootElement.GetProperty($"{mode}.{key}").GetDouble();
            double value = actual.item<float>();
            output.WriteLine($"{mode}.{key}: {value} vs {expected}");
            Assert.True(Math.Abs(value - expected) <= 1e-3 * Math.Abs(expected) + 1e-6, $"{mode}.{key}: {value} vs {expected}");
        }
        Scalar("loss", step.Terms.Total);
        Scalar("class_loss", step.Terms.ClassLoss);
        Scalar("p_class_loss", step.Terms.PuzzleClassLoss);
        Scalar("re_loss", step.Terms.ReconstructionLoss);
        Scalar("conf_loss_not_in_total", PuzzleLosses.ShannonEntropyLoss(step.TiledLogits));
    }

    /// <summary>The reconstruction weight the case used, as its configuration states it ("alpha = 4.0").</summary>
    private static double Alpha()
    {
        using var doc = GoldenData.Json(Case, "case.json");
        var match = System.Text.RegularExpressions.Regex.Match(doc.RootElement.GetProperty("config").GetString()!, @"alpha = ([0-9.]+)");
        Assert.True(match.Success, "case.json states no alpha");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
