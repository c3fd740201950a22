using System.Diagnostics;
using PuzzleCam.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>Golden case 07: the DeepLabv3+ forward with ResNet-50 / ResNeSt-50 backbones and BatchNorm / GroupNorm heads.</summary>
public class DeepLabGoldenTests(ITestOutputHelper output)
{
    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("case07_deeplabv3plus_resnet50_bn")]
    [InlineData("case07_deeplabv3plus_resnet50_gn")]
    [InlineData("case07_deeplabv3plus_resnest50_bn")]
    [InlineData("case07_deeplabv3plus_resnest50_gn")]
    public void MatchesReference(string caseName)
    {
        var reference = ReferenceConstructor.Read(caseName);
        Assert.Equal("DeepLabv3_Plus", reference.Network);
        var clock = Stopwatch.StartNew();
        using var model = DeepLabV3Plus.Create(reference.Architecture, Normalization.ParseMode(reference.String("mode")),
            reference.Bool("use_group_norm"), reference.Int("num_classes"));
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
        var low = model.Stage(2, model.Stage(1, x));
        GoldenModel.AssertClose(caseName, "low_level.npy", low, output);
        var aspp = model.Aspp.forward(model.Stage(5, model.Stage(4, model.Stage(3, low))));
        GoldenModel.AssertClose(caseName, "aspp_out.npy", aspp, output);
        GoldenModel.AssertClose(caseName, "decoder_out.npy", model.Decoder.forward(aspp, low), output);
        GoldenModel.AssertClose(caseName, "logits.npy", model.forward(x), output);
        output.WriteLine($"forwards {clock.Elapsed.TotalSeconds:F2} s");
    }
}
