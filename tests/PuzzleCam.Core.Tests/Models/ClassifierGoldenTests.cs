using System.Diagnostics;
using PuzzleCam.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>Golden case 03: the classifier forward of each backbone, eval mode, FixedBatchNorm.</summary>
public class ClassifierGoldenTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Golden")]
    public void ResNet50MatchesReference() => Check("case03_classifier_resnet50");

    [Fact]
    [Trait("Category", "Golden")]
    public void ResNeSt50MatchesReference() => Check("case03_classifier_resnest50");

    [Fact]
    [Trait("Category", "Golden")]
    [Trait("Category", "Slow")]
    public void ResNeSt101MatchesReference() => Check("case03_classifier_resnest101");

    [Fact]
    [Trait("Category", "Golden")]
    [Trait("Category", "Slow")]
    public void ResNeSt269MatchesReference() => Check("case03_classifier_resnest269");

    private void Check(string caseName)
    {
        var reference = ReferenceConstructor.Read(caseName);
        Assert.Equal("Classifier", reference.Network);
        var clock = Stopwatch.StartNew();
        using var model = Classifier.Create(reference.Architecture, Normalization.ParseMode(reference.String("mode")), reference.Int("num_classes"));
        GoldenWeights.Fill(model);
        model.eval();
        output.WriteLine($"build and fill {clock.Elapsed.TotalSeconds:F2} s");
        GoldenModel.AssertReferenceKeys(caseName, model.ReferenceStateDict());
        Assert.Equal(reference.ModelInfo(caseName, "n_parameters"), model.parameters().Sum(p => p.numel()));
        GoldenWeights.VerifyChecksums(model, caseName);

        clock.Restart();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = GoldenModel.LoadTensor(caseName, "input.npy");
        var stage = x;
        for (int s = 1; s <= 5; s++)
        {
            stage = model.Stage(s, stage);
            GoldenModel.AssertClose(caseName, $"stage{s}.npy", stage, output);
        }
        var (logits, features) = model.forward(x);
        GoldenModel.AssertClose(caseName, "features.npy", features, output);
        GoldenModel.AssertClose(caseName, "logits.npy", logits, output);
        GoldenModel.AssertClose(caseName, "logits_nocam.npy", model.Logits(x), output);
        output.WriteLine($"forwards {clock.Elapsed.TotalSeconds:F2} s");
    }
}
