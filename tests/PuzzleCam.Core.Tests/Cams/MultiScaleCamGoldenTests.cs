using System.Globalization;
using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Models;
using PuzzleCam.IO;
using PuzzleCam.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Cams;

/// <summary>Golden case 04: the per-image computation of inference_classification.py with the case-03 ResNet-50.</summary>
public class MultiScaleCamGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case04_multiscale_cam_resnet50";

    /// <summary>The case's model: "Same model and weights as case03_classifier_resnet50".</summary>
    private const string ModelCase = "case03_classifier_resnet50";

    [Fact]
    [Trait("Category", "Golden")]
    public void MultiScaleCamMatchesReference()
    {
        var reference = ReferenceConstructor.Read(ModelCase);
        using var model = Classifier.Create(reference.Architecture, Normalization.ParseMode(reference.String("mode")), reference.Int("num_classes"));
        GoldenWeights.Fill(model);

        var imageArray = GoldenData.Load(Case, "image_u8.npy");
        Assert.Equal(NpyDType.UInt8, imageArray.DType);
        int height = (int)imageArray.Shape[0], width = (int)imageArray.Shape[1];
        var image = new RgbImage(width, height, imageArray.ToArray<byte>());
        var tags = GoldenData.Load(Case, "label.npy").ToArray<float>();

        // The scales are the suffixes of the per-scale files (input_s0.5.npy, input_s1.npy, ...), in increasing order as the script runs them.
        var suffixes = Directory.EnumerateFiles(GoldenData.CaseDir(Case), "input_s*.npy")
            .Select(f => Path.GetFileNameWithoutExtension(f)["input_s".Length..])
            .ToDictionary(s => double.Parse(s, CultureInfo.InvariantCulture), s => s);
        var scales = suffixes.Keys.Order().ToArray();
        Assert.NotEmpty(scales);

        using (var scalars = GoldenData.Json(Case, "scalars.json"))
        {
            (int, int) Pair(string name)
            {
                var v = scalars.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
                return (v[0], v[1]);
            }
            Assert.Equal(Pair("strided_size"), MultiScaleCam.StridedSize(height, width));
            Assert.Equal(Pair("strided_up_size"), MultiScaleCam.StridedUpSize(height, width));
        }

        var cams = new MultiScaleCam(model, CPU, scales);
        var seen = new List<double>();
        var file = cams.Compute(image, tags, step =>
        {
            var suffix = suffixes[step.Input.Scale];
            seen.Add(step.Input.Scale);
            var resized = GoldenData.Load(Case, $"resized_u8_s{suffix}.npy");
            Assert.Equal(resized.Shape, new long[] { step.Input.Resized.Height, step.Input.Resized.Width, 3 });
            Assert.True(resized.ToArray<byte>().AsSpan().SequenceEqual(step.Input.Resized.Pixels), $"resized_u8_s{suffix}.npy: Pillow bicubic differs");
            GoldenModel.AssertClose(Case, $"input_s{suffix}.npy", step.Batch, output);
            GoldenModel.AssertClose(Case, $"features_s{suffix}.npy", step.Features, output);
            GoldenModel.AssertClose(Case, $"cams_s{suffix}.npy", step.Cam, output);
        });
        Assert.Equal(scales, seen);

        Assert.Equal(GoldenData.Load(Case, "keys.npy").ToArray<long>(), file.Keys);
        using var strided = AsTensor(file.Cam!);
        using var highRes = AsTensor(file.HighResCam!);
        GoldenModel.AssertClose(Case, "strided_cams.npy", strided, output);
        GoldenModel.AssertClose(Case, "hr_cams.npy", highRes, output);
    }

    private static Tensor AsTensor(ClassMaps maps) => tensor(maps.Values, [maps.Classes, maps.Height, maps.Width]);
}
