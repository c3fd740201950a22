using PuzzleCam.Cams;
using PuzzleCam.IO;
using PuzzleCam.Models;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Cams;

public class MultiScaleCamTests
{
    [Theory]
    [InlineData(500, 375, 0.5, 250, 188)] // the spec's example: 187.5 rounds to the even 188
    [InlineData(5, 7, 0.5, 2, 4)] // 2.5 -> 2 and 3.5 -> 4, ties to even
    [InlineData(80, 64, 1.5, 120, 96)]
    [InlineData(333, 201, 1.0, 333, 201)]
    public void ScaledSizesRoundHalfToEvenAsPython(int width, int height, double scale, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), MultiScaleCam.ScaledSize(width, height, scale));

    [Fact]
    public void OutputGridsFollowTheReference()
    {
        Assert.Equal((94, 125), MultiScaleCam.StridedSize(375, 500));
        Assert.Equal((384, 512), MultiScaleCam.StridedUpSize(375, 500));
        Assert.Equal((16, 16), MultiScaleCam.StridedUpSize(16, 1));
        Assert.Contains("scale", Assert.Throws<ArgumentException>(() => MultiScaleCam.ScaledSize(1, 1, 0.4)).Message);
    }

    [Fact]
    public void PreparesEveryScaleAndAnImageWithoutClassesGetsEmptyMaps()
    {
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        var cams = new MultiScaleCam(model, CPU, [0.5, 1.0]);
        Assert.False(model.training);
        var image = new RgbImage(30, 20);
        var inputs = cams.Prepare(image);
        Assert.Equal([(15, 10), (30, 20)], inputs.Scales.Select(s => (s.Normalized.Width, s.Normalized.Height)));

        var tags = new float[20];
        var file = cams.Compute(inputs, tags);
        Assert.Equal([0L], file.Keys);
        Assert.Equal((0, 5, 8), (file.Cam!.Classes, file.Cam.Height, file.Cam.Width));
        Assert.Equal((0, 20, 30), (file.HighResCam!.Classes, file.HighResCam.Height, file.HighResCam.Width));
    }

    [Fact]
    public void LeavesNoTensorBehind()
    {
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        var cams = new MultiScaleCam(model, CPU, [0.5, 1.0]);
        var inputs = cams.Prepare(new RgbImage(40, 24));
        var tags = new float[20];
        tags[3] = tags[11] = 1;
        cams.Compute(inputs, tags);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            var file = cams.Compute(inputs, tags);
            Assert.Equal([0L, 4, 12], file.Keys);
        }
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
