using PuzzleCam.Models;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>The reference's four parameter groups (pretrained/scratch x weights/biases), checked against the golden state-dict key lists.</summary>
public class ParameterGroupTests
{
    /// <summary>The learnable keys of a golden model: formula tensors that are not running statistics, no aliases.</summary>
    private static List<string> Parameters(string caseName) =>
        File.ReadLines(Path.Combine(GoldenData.CaseDir(caseName), "state_dict_keys.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Where(c => c[3] != "-" && !c[0].Contains("running_", StringComparison.Ordinal))
            .Select(c => c[0])
            .ToList();

    [Fact]
    [Trait("Category", "Golden")]
    public void ClassifierSplitsBackboneAndHead()
    {
        using var model = Classifier.Create("resnest50", NormMode.Fix);
        var groups = ParameterGroups.Of(model);
        var all = groups.InReferenceOrder.SelectMany(g => g.Select(p => p.Name)).Order(StringComparer.Ordinal);
        Assert.Equal(Parameters("case03_classifier_resnest50").Order(StringComparer.Ordinal), all);
        Assert.Equal(["classifier.weight"], groups.ScratchWeights.Select(p => p.Name));
        Assert.Empty(groups.ScratchBiases);
        Assert.Contains(groups.PretrainedBiases, p => p.Name == "model.layer1.0.conv2.fc1.bias");
        Assert.Contains(groups.PretrainedWeights, p => p.Name == "model.layer1.0.conv2.bn0.weight");
        Assert.All(groups.PretrainedBiases, p => Assert.EndsWith(".bias", p.Name));
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void DeepLabHeadsAreScratch()
    {
        using var model = DeepLabV3Plus.Create("resnet50", NormMode.Fix, useGroupNorm: true);
        var groups = ParameterGroups.Of(model);
        var all = groups.InReferenceOrder.SelectMany(g => g.Select(p => p.Name)).Order(StringComparer.Ordinal);
        Assert.Equal(Parameters("case07_deeplabv3plus_resnet50_gn").Order(StringComparer.Ordinal), all);
        Assert.Contains(groups.ScratchBiases, p => p.Name == "decoder.classifier.8.bias");
        Assert.Contains(groups.ScratchBiases, p => p.Name == "aspp.bn1.bias");
        Assert.Contains(groups.ScratchWeights, p => p.Name == "aspp.aspp2.atrous_conv.weight");
        Assert.All(groups.PretrainedWeights.Concat(groups.PretrainedBiases), p => Assert.StartsWith("model.", p.Name));
    }

    [Fact]
    public void AffinityNetTrainsOnlyItsEdgeLayers()
    {
        using var model = AffinityNet.Create("resnet50", pathIndex: null);
        var edge = model.EdgeParameters();
        var expected = model.named_parameters().Where(p => p.name.StartsWith("fc_edge", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        Assert.Equal(17, edge.Count);
        Assert.Equal(expected.Count, edge.Count);
        Assert.All(expected, p => Assert.Contains(p, edge));

        // Training mode reaches the edge layers only: the frozen backbone keeps evaluating.
        model.train();
        Assert.True(model.EdgeLayer(3).training);
        Assert.False(model.Backbone.training);
        Assert.All(model.Backbone.modules(), m => Assert.False(m.training));
    }
}
