using PuzzleCam.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>
/// Golden case 02b, forward half: the ResNet-50 classifier in training mode with plain BatchNorm ("normal": batch
/// statistics, running statistics updated) and FixedBatchNorm ("fix": running statistics, never updated).
/// </summary>
public class TrainModeGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case02b_puzzle_train_step_resnet50";

    /// <summary>The README's acceptance for this case (train-mode BatchNorm in float32 is ill-conditioned).</summary>
    private const double Tolerance = 1e-3;

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("normal")]
    [InlineData("fix")]
    public void ForwardInTrainingModeMatchesReference(string mode)
    {
        var reference = ReferenceConstructor.Read(Case);
        using var model = Classifier.Create(reference.Architecture, Normalization.ParseMode(mode));
        GoldenWeights.Fill(model);
        GoldenWeights.VerifyChecksums(model, Case);
        model.train();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = GoldenModel.LoadTensor(Case, "input.npy");
        var (logits, features) = model.forward(x);
        GoldenModel.AssertClose(Case, $"{mode}_logits.npy", logits, output, Tolerance);
        GoldenModel.AssertClose(Case, $"{mode}_features.npy", features, output, Tolerance);

        // The second forward of the step: the 2x2 tiles, piece-major (top-left, top-right, bottom-left, bottom-right).
        long h = x.shape[2] / 2, w = x.shape[3] / 2;
        var tiles = cat([
            x.narrow(2, 0, h).narrow(3, 0, w), x.narrow(2, 0, h).narrow(3, w, w),
            x.narrow(2, h, h).narrow(3, 0, w), x.narrow(2, h, h).narrow(3, w, w)], 0);
        var (tiledLogits, _) = model.forward(tiles);
        GoldenModel.AssertClose(Case, $"{mode}_tiled_logits.npy", tiledLogits, output, Tolerance);

        var state = model.state_dict();
        GoldenModel.AssertClose(Case, $"{mode}_model.bn1.running_mean_after.npy", state["model.bn1.running_mean"], output);
        GoldenModel.AssertClose(Case, $"{mode}_model.bn1.running_var_after.npy", state["model.bn1.running_var"], output);
        using var scalars = GoldenData.Json(Case, "scalars.json");
        Assert.Equal(scalars.RootElement.GetProperty($"{mode}.model.bn1.num_batches_tracked_after").GetInt64(),
            state["model.bn1.num_batches_tracked"].item<long>());
    }
}
