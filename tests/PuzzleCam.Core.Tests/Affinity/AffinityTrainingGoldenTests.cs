using PuzzleCam.Affinity;
using PuzzleCam.Core.Tests.Models;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using PuzzleCam.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Affinity;

/// <summary>Golden cases 05 and 06: affinity labels from a label map, Resize_For_Mask, and the AffinityNet loss.</summary>
public class AffinityTrainingGoldenTests
{
    private const string LabelCase = "case05_path_index_and_affinity_labels";
    private const string NetCase = "case06_affinitynet_resnet50";

    private static LabelMap LoadMask(string file)
    {
        var array = GoldenData.Load(LabelCase, file);
        return new LabelMap((int)array.Shape[1], (int)array.Shape[0], array.ToArray<byte>());
    }

    private static AffinityMasks GoldenMasks() => new(
        TensorIO.Golden(LabelCase, "bg_pos_label.npy").unsqueeze(0),
        TensorIO.Golden(LabelCase, "fg_pos_label.npy").unsqueeze(0),
        TensorIO.Golden(LabelCase, "neg_label.npy").unsqueeze(0));

    [Fact]
    [Trait("Category", "Golden")]
    public void PairLabelsMatchReference()
    {
        var mask = LoadMask("aff_label_map.npy");
        var labels = new AffinityLabelsFromMask(new PathIndex(10, mask.Height, mask.Width));
        var kinds = labels.Compute(mask);
        using var scope = NewDisposeScope();
        using var masks = labels.Collate([kinds, kinds]);
        foreach (var (file, actual) in new[] { ("bg_pos_label.npy", masks.BackgroundPositive), ("fg_pos_label.npy", masks.ForegroundPositive), ("neg_label.npy", masks.Negative) })
        {
            var expected = GoldenData.Load(LabelCase, file);
            Assert.Equal(new long[] { 2, expected.Shape[0], expected.Shape[1] }, actual.shape);
            Assert.Equal(ScalarType.Float32, actual.dtype);
            var want = expected.ToArray<float>();
            Assert.Equal(want.Concat(want).ToArray(), actual.data<float>().ToArray());
        }
    }

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("96")]
    [InlineData("90")]
    public void ResizeForMaskMatchesReference(string size)
    {
        var input = LoadMask($"resize_for_mask_in_{size}.npy");
        var expected = GoldenData.Load(LabelCase, $"resize_for_mask_out_{size}.npy");
        var sample = new TransformedSample(new ChwImage(3, input.Height, input.Width), input);
        var resized = new ResizeMask((int)expected.Shape[0]).Apply(sample, new RandomSource(0)).Mask!;
        Assert.Equal(expected.ToArray<byte>(), resized.Labels);
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void LossMatchesReference()
    {
        using var scope = NewDisposeScope();
        var affinity = TensorIO.Golden(NetCase, "aff.npy");
        using var masks = GoldenMasks();
        var terms = AffinityLoss.Compute(affinity, masks);
        using var json = GoldenData.Json(NetCase, "scalars.json");
        var root = json.RootElement;
        foreach (var (name, value) in new[] { ("total", terms.Total), ("bg_pos", terms.BackgroundLoss), ("fg_pos", terms.ForegroundLoss), ("neg", terms.NegativeLoss) })
        {
            double want = root.GetProperty($"aff_loss.{name}").GetDouble();
            Assert.True(Math.Abs(value.item<float>() - want) <= 1e-4 * Math.Abs(want) + 1e-6, $"aff_loss.{name}: {value.item<float>()} vs {want}");
        }
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void TrainingStepUpdatesOnlyTheEdgeLayers()
    {
        var reference = ReferenceConstructor.Read(NetCase);
        using var json = GoldenData.Json(LabelCase, "scalars.json");
        var size = json.RootElement.GetProperty("r10_default_size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var model = AffinityNet.Create(reference.Architecture, new PathIndex(10, size[0], size[1]));
        GoldenWeights.Fill(model);
        using var optimizer = AffinityTrainingStep.CreateOptimizer(model, learningRate: 0.1, weightDecay: 1e-4, maxStep: 10);
        var step = new AffinityTrainingStep(model, optimizer);
        using var scope = NewDisposeScope();
        var images = TensorIO.Golden(NetCase, "aff_input.npy");
        using var masks = GoldenMasks();
        var edgeBefore = model.EdgeLayer(6).parameters().First().detach().clone();
        var backboneBefore = model.Stage(1, images).detach().clone();

        var losses = step.Run(images, masks);

        // Step 0 runs at the initial learning rate, in eval-mode forward the loss of the golden affinities.
        using var scalars = GoldenData.Json(NetCase, "scalars.json");
        Assert.Equal(scalars.RootElement.GetProperty("aff_loss.total").GetDouble(), losses.Loss, 1e-4);
        Assert.Equal(0.1, losses.LearningRate, 12);
        Assert.Equal(1, optimizer.GlobalStep);
        Assert.True(model.training);
        Assert.False(model.Backbone.training);
        Assert.True(edgeBefore.ne(model.EdgeLayer(6).parameters().First()).any().item<bool>());
        using (no_grad()) Assert.True(backboneBefore.equal(model.Stage(1, images)).all().item<bool>());
    }
}
