using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Models;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Segmentation;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Segmentation;

/// <summary>
/// Golden cases 07 (the multi-scale segmentation inference of inference_segmentation.py with the case's ResNet-50 GN
/// network) and 09 (its probability CRF on given probabilities), both through <see cref="SegmentationPredictor"/>.
/// </summary>
[Trait("Category", "Golden")]
public class SegmentationPredictorGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case07_deeplabv3plus_resnet50_gn";
    private const string CrfCase = "case09_crf";

    [Fact]
    public void MultiScaleInferenceMatchesReference()
    {
        var reference = ReferenceConstructor.Read(Case);
        using var model = DeepLabV3Plus.Create(reference.Architecture, Normalization.ParseMode(reference.String("mode")),
            reference.Bool("use_group_norm"), reference.Int("num_classes"));
        GoldenWeights.Fill(model);
        var image = LoadImage(Case, "ms_image_u8.npy");

        var plain = new SegmentationPredictor(model, CPU, CamInferenceOptions.DefaultScales);
        var inputs = plain.Prepare(image);
        using (var scope = NewDisposeScope())
        {
            // The golden arrays are HxWxC; ours are CxHxW.
            GoldenModel.AssertClose(Case, "ms_logits_sum.npy", plain.Logits(inputs).permute(1, 2, 0), output);
        }
        var withoutCrf = plain.Predict(inputs);
        using (var probabilities = AsTensor(withoutCrf.Probabilities))
            GoldenModel.AssertClose(Case, "ms_probs.npy", probabilities.permute(1, 2, 0), output);
        Assert.Null(withoutCrf.Marginals);
        Assert.Equal(GoldenData.Load(Case, "ms_pred_nocrf.npy").ToArray<byte>(), withoutCrf.Labels.Labels);

        var crf = new SegmentationPredictor(model, CPU, CamInferenceOptions.DefaultScales, crfIterations: 10).Predict(inputs);
        using (var q = AsTensor(crf.Marginals!))
            GoldenModel.AssertClose(Case, "ms_crf_q.npy", q, output);
        Assert.Equal(GoldenData.Load(Case, "ms_pred_crf10.npy").ToArray<byte>(), crf.Labels.Labels);
    }

    [Fact]
    public void ProbabilityCrfMatchesPydensecrf()
    {
        var image = LoadImage(CrfCase, "image_u8.npy");
        var probs = GoldenData.Load(CrfCase, "seg_probs.npy");
        var maps = new ClassMaps((int)probs.Shape[0], (int)probs.Shape[1], (int)probs.Shape[2], probs.ToArray<float>());
        using var model = DeepLabV3Plus.Create("resnet18", NormMode.Fix, useGroupNorm: true);
        var prediction = new SegmentationPredictor(model, CPU, [1.0], crfIterations: 10).Refine(image, maps);

        using (var q = AsTensor(prediction.Marginals!))
            GoldenModel.AssertClose(CrfCase, "seg_crf_q.npy", q, output);
        var expected = GoldenData.Load(CrfCase, "seg_crf_argmax.npy").ToArray<byte>();
        int agree = expected.Zip(prediction.Labels.Labels).Count(p => p.First == p.Second);
        output.WriteLine($"seg_crf_argmax: {agree}/{expected.Length} pixels agree");
        Assert.True(agree >= 0.995 * expected.Length, $"only {agree}/{expected.Length} labels agree with pydensecrf");
    }

    private static RgbImage LoadImage(string caseName, string file)
    {
        var array = GoldenData.Load(caseName, file);
        Assert.Equal(3, array.Shape[2]);
        return new RgbImage((int)array.Shape[1], (int)array.Shape[0], array.ToArray<byte>());
    }

    private static Tensor AsTensor(ClassMaps maps) => tensor(maps.Values, [maps.Classes, maps.Height, maps.Width]);
}
