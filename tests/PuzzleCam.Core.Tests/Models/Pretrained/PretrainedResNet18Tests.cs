using Microsoft.ML.OnnxRuntime;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Models.Pretrained;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models.Pretrained;

/// <summary>The ImageNet ResNet-18 port against ONNX Runtime running ML.NET's own files, and its place among the backbones.</summary>
public class PretrainedResNet18Tests(ITestOutputHelper output)
{
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>The acceptance bound of the parity check: max |port − ONNX Runtime| / max |ONNX Runtime|.</summary>
    private const double Tolerance = 1e-4;

    [Fact]
    [Trait("Category", "Slow")]
    public void MatchesOnnxRuntimeOnAPhoto()
    {
        string modelPath = PretrainedResNet18.LocateModel();
        string prepPath = PretrainedResNet18.LocatePreprocessing(modelPath);
        var graph = OnnxModel.Load(modelPath).Graph;
        var input = Assert.Single(graph.DataInputs);
        int h = (int)input.Shape[2], w = (int)input.Shape[3];
        long[] shape = [1, 3, h, w];
        // The graph ends in a global average pool; the port's backbone stops at the map that pool reads.
        string pooled = Assert.Single(graph.Outputs).Name;
        string features = graph.Nodes.Single(n => n.Outputs.Contains(pooled)).Inputs[0];

        var photo = SyntheticPhoto.Create(h, w, seed: 7);
        var rgb255 = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < h * w; i++) rgb255[c * h * w + i] = photo[i * 3 + c];

        // ML.NET's pipeline: 0..255 RGB → preprocessing graph → network.
        using var prep = new InferenceSession(File.ReadAllBytes(prepPath));
        using var network = new InferenceSession(ProtoBytes.WithExtraOutput(File.ReadAllBytes(modelPath), features));
        float[] prepared = RunOnnx(prep, rgb255, shape, prep.OutputMetadata.Keys.Single())[0];
        float[] meanImage = RunOnnx(prep, new float[rgb255.Length], shape, prep.OutputMetadata.Keys.Single())[0].Select(v => -v).ToArray();
        var expected = RunOnnx(network, prepared, shape, features, pooled);

        // The channel-mean convention fed to the same network: B, G, R minus the mean image's channel averages.
        var channelMeanInput = new float[prepared.Length];
        for (int c = 0; c < 3; c++)
        {
            var plane = new Range(c * h * w, (c + 1) * h * w);
            double channelMean = meanImage[plane].Average(v => (double)v);
            for (int i = plane.Start.Value; i < plane.End.Value; i++) channelMeanInput[i] = (float)(prepared[i] + meanImage[i] - channelMean);
        }
        var expectedChannelMeans = RunOnnx(network, channelMeanInput, shape, features, pooled);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Normalised(photo, h, w);
        foreach (var (mode, reference) in new[] { (CntkMeanSubtraction.MeanImage, expected), (CntkMeanSubtraction.ChannelMeans, expectedChannelMeans) })
        {
            using var backbone = PretrainedResNet18.Create(Normalization.BatchNorm(NormMode.Normal), new PretrainedResNet18Options { OutputStride = 32, Mean = mode });
            backbone.eval();
            var map = backbone.forward(x);
            Assert.Equal([1L, 512, (h + 31) / 32, (w + 31) / 32], map.shape);
            double mapError = RelativeError(map, reference[0]);
            double pooledError = RelativeError(map.mean([2, 3]), reference[1]);
            output.WriteLine($"{mode}: layer4 map max|diff|/max|ref| = {mapError:E2}, pooled = {pooledError:E2}");
            Assert.True(mapError <= Tolerance, $"{mode}: layer4 map relative error {mapError:E2}");
            Assert.True(pooledError <= Tolerance, $"{mode}: pooled relative error {pooledError:E2}");
        }
    }

    [Fact]
    public void IsTheClassifierBackboneAtStride16()
    {
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        model.eval();
        Assert.Equal(512, model.Backbone.FeatureChannels);
        Assert.Equal([64L, 64, 128, 256, 512], Enumerable.Range(1, 5).Select(model.Backbone.StageChannels));

        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.conv1.weight", keys);
        Assert.Contains("model.layer1.1.bn2.running_var", keys);
        Assert.Contains("model.layer4.0.downsample.0.weight", keys);
        Assert.Contains("model.layer4.0.downsample.1.bias", keys);
        Assert.Equal([20L, 512, 1, 1], model.state_dict()["classifier.weight"].shape);
        // The input conversion is no part of the checkpoint.
        Assert.DoesNotContain(keys, k => k.Contains("scale") || k.Contains("shift") || k.Contains("mean_image"));
        // torchvision's ResNet-18 without fc (11 176 512) plus the third block of layer4, plus the head.
        Assert.Equal(11_176_512 + 2 * (512 * 512 * 9 + 2 * 512) + 20 * 512, model.parameters().Sum(p => p.numel()));
        Assert.Contains("model.layer4.2.conv2.weight", keys);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (logits, cams) = model.forward(randn(2, 3, 97, 130, generator: new Generator(3)));
        Assert.Equal([2L, 20], logits.shape);
        // ceil(97/16) × ceil(130/16): stride 16, each stride-2 step rounding up.
        Assert.Equal([2L, 20, 7, 9], cams.shape);
        Assert.False(cams.isnan().any().item<bool>());
    }

    [Fact]
    public void GraphHasThreeBlocksInLayer4()
    {
        var model = OnnxModel.Load(PretrainedResNet18.LocateModel());
        Assert.Equal("CNTK", model.Producer);
        var weights = CntkResNetGraph.ReadWeights(model, [2, 2, 2, 3]);
        // Every initialiser of the graph has its place: stem 5, nine blocks of 10, three projections of 5.
        Assert.Equal(5 + 9 * 10 + 3 * 5, weights.Count);
        Assert.Equal(model.Graph.Initializers.Count, weights.Count);
        Assert.Equal([64L, 3, 7, 7], weights["conv1.weight"].Dims);
        Assert.Equal([512L, 256, 1, 1], weights["layer4.0.downsample.0.weight"].Dims);

        var wrong = Assert.Throws<InvalidDataFileException>(() => CntkResNetGraph.ReadWeights(model, [2, 2, 2, 2]));
        Assert.Contains("[2, 2, 2, 3] residual blocks per layer", wrong.Message);
    }

    [Fact]
    public void ExplainsAMissingModel()
    {
        string nowhere = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var overridden = Assert.Throws<FileNotFoundException>(() => PretrainedResNet18.LocateModel(Path.Combine(nowhere, "ResNet18.onnx"), AppContext.BaseDirectory));
        Assert.Contains(PretrainedResNet18.ModelPathVariable, overridden.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => PretrainedResNet18.LocateModel(null, nowhere));
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18", missing.Message);
        Assert.Equal(Path.Combine(nowhere, PretrainedResNet18.ModelRelativePath), missing.FileName);

        Assert.Throws<FileNotFoundException>(() => PretrainedResNet18.LocatePreprocessing(Path.Combine(nowhere, "ResNet18.onnx")));
        Assert.True(File.Exists(PretrainedResNet18.LocateModel(null, AppContext.BaseDirectory)));
    }

    [Fact]
    public void RejectsBadOptionsAndSizes()
    {
        var norm = Normalization.BatchNorm(NormMode.Fix);
        var stride = Assert.Throws<ArgumentException>(() => PretrainedResNet18.Create(norm, new PretrainedResNet18Options { OutputStride = 8 }));
        Assert.Contains("OutputStride", stride.Message);
        Assert.Throws<ArgumentException>(() => PretrainedResNet18.Create(norm, new PretrainedResNet18Options { InputStd = [0.2, 0, 0.2] }));

        using var exact = PretrainedResNet18.Create(norm, new PretrainedResNet18Options { Mean = CntkMeanSubtraction.MeanImage });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = Assert.Throws<ArgumentException>(() => exact.forward(zeros(1, 3, 64, 64)));
        Assert.Contains("224×224", size.Message);

        // The conversion's non-persistent buffers follow the module to another type.
        exact.to(ScalarType.Float64).eval();
        Assert.Equal(ScalarType.Float64, exact.forward(zeros(1, 3, 224, 224, ScalarType.Float64)).dtype);
    }

    private static Tensor Normalised(byte[] photo, int h, int w)
    {
        var data = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < h * w; i++) data[c * h * w + i] = (float)((photo[i * 3 + c] / 255.0 - ImageNetMean[c]) / ImageNetStd[c]);
        return tensor(data, [1, 3, h, w]);
    }

    private static List<float[]> RunOnnx(InferenceSession session, float[] input, long[] shape, params string[] outputs)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [session.InputMetadata.Keys.Single()], [value], outputs);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToList();
    }

    private static double RelativeError(Tensor actual, float[] expected)
    {
        var got = actual.contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        double worst = 0, scale = 0;
        for (int i = 0; i < got.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)got[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        return worst / scale;
    }
}
