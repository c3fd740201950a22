using PuzzleCam.Classification;
using PuzzleCam.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>The CPU backbones compute in channels-last: same values, same parameters, standard layout at the outputs.</summary>
public class ChannelsLastTests
{
    [Fact]
    public void ForConvolution_KeepsValuesAndGivesChannelsLastStrides()
    {
        using var scope = NewDisposeScope();
        var x = arange(2 * 3 * 4 * 5, dtype: float32).reshape(2, 3, 4, 5);
        var y = ChannelsLast.ForConvolution(x);
        Assert.Equal([3L * 4 * 5, 1, 5 * 3, 3], y.stride());
        Assert.True(ChannelsLast.IsChannelsLast(y));
        Assert.False(ChannelsLast.IsChannelsLast(x));
        Assert.True(allclose(x, y, rtol: 0, atol: 0));
        Assert.Same(y, ChannelsLast.ForConvolution(y));
    }

    [Fact]
    public void ConvertWeights_KeepsTheParameterObjectsAndTheirValues()
    {
        using var scope = NewDisposeScope();
        using var model = Classifier.Create("resnet50", NormMode.Fix, numClasses: 3);
        var before = model.named_parameters().ToDictionary(p => p.name, p => (Parameter: p.parameter, Values: p.parameter.detach().clone()));
        ChannelsLast.ConvertWeights(model);
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.Same(before[name].Parameter, p);
            Assert.True(allclose(before[name].Values, p, rtol: 0, atol: 0), name);
            if (p.dim() == 4) Assert.True(ChannelsLast.IsChannelsLast(p), name);
        }
    }

    [Fact]
    public void CpuForward_MatchesTheNchwComputationAndReturnsStandardLayout()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = Classifier.Create("resnet50", NormMode.Fix, numClasses: 3);
        model.eval();
        var images = randn(1, 3, 64, 64);
        var reference = NchwForward(model, images);
        using var _ = no_grad();
        var (logits, features) = model.forward(images);
        Assert.True(features.is_contiguous());
        Assert.True(ChannelsLast.IsChannelsLast(model.Backbone.parameters().First()));
        Assert.True(allclose(features, reference, rtol: 1e-4, atol: 1e-5), $"max diff {(features - reference).abs().max().item<float>()}");
        Assert.True(allclose(logits, reference.mean([2, 3]), rtol: 1e-4, atol: 1e-5));
    }

    /// <summary>The same weights run stage by stage on NCHW tensors with NCHW weights, the reference's layout.</summary>
    private static Tensor NchwForward(Classifier model, Tensor images)
    {
        using var _ = no_grad();
        using var copy = Classifier.Create("resnet50", NormMode.Fix, numClasses: 3);
        copy.load_state_dict(model.state_dict());
        copy.eval();
        var parts = copy.Backbone.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var y = parts["maxpool"].forward(nn.functional.relu(parts["bn1"].forward(parts["conv1"].forward(images))));
        foreach (var layer in new[] { "layer1", "layer2", "layer3", "layer4" }) y = parts[layer].forward(y);
        Assert.False(ChannelsLast.IsChannelsLast(y));
        var head = (nn.Module<Tensor, Tensor>)copy.named_children().Single(c => c.name == "classifier").module;
        return head.forward(y);
    }
}
