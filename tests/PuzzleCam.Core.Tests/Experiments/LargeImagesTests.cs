using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Cams;
using PuzzleCam.Core.Tests.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Core.Tests.Experiments;

public sealed class LargeImagesTests(TinyCamSetup setup) : IClassFixture<TinyCamSetup>, IDisposable
{
    private readonly string experiments = Directory.CreateTempSubdirectory("experiments").FullName;

    public void Dispose() => Directory.Delete(experiments, recursive: true);

    [Theory]
    [InlineData(4000, 3000, null, 4000, 3000)]
    [InlineData(4000, 3000, 800, 800, 600)]
    [InlineData(3000, 4000, 800, 600, 800)]
    [InlineData(500, 375, 800, 500, 375)]
    [InlineData(5000, 1, 100, 100, 1)]
    public void ShrinksOnlyAnImageWhoseLongerSideIsLonger(int width, int height, int? maxSide, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), LargeImages.ShrunkSize(width, height, maxSide));

    [Fact]
    public void APhoneSizedPhotoIsRefusedNamingTheImageAndAMaxSideThatFits()
    {
        var e = Assert.Throws<BadInputException>(() => LargeImages.Check("photo.jpg", 4000, 3000, 2.0, null));
        Assert.StartsWith("photo.jpg: the 4000x3000 image at scale 2 gives the network 8000x6000 pixels (48 megapixels)", e.Message);
        int side = LargeImages.LargestFittingSide(4000, 3000, 2.0);
        Assert.Contains($"--max_side {side} ", e.Message);
        Assert.Equal(0, side % 16);
        LargeImages.Check("photo.jpg", 4000, 3000, 2.0, side);
        var tooLarge = Assert.Throws<BadInputException>(() => LargeImages.Check("photo.jpg", 4000, 3000, 2.0, side + 16));
        Assert.Contains($"(shrunk by --max_side {side + 16} to", tooLarge.Message);
    }

    [Fact]
    public void VocSizedImagesFitAtTheReferenceScales() => LargeImages.Check("voc.jpg", 500, 500, 2.0, null);

    [Fact]
    public void AnImageBeyondWhatAnyStageHoldsIsRefusedWhateverTheMaxSide()
    {
        var e = Assert.Throws<BadInputException>(() => LargeImages.Check("huge.jpg", 10000, 8000, 1.0, 512));
        Assert.Contains("huge.jpg: a 10000x8000 image (80 megapixels)", e.Message);
    }

    [Theory]
    [InlineData(31, "--max_side must be at least 32, got 31")]
    [InlineData(32, null)]
    [InlineData(null, null)]
    public void MaxSideIsChecked(int? maxSide, string? problem) => Assert.Equal(problem, LargeImages.MaxSideProblem(maxSide));

    [Fact]
    public void TheDenseWalkRefusesGridsItCannotHold()
    {
        Assert.Null(RandomWalkPropagation.DenseProblem(512, 512));
        Assert.Null(RandomWalkPropagation.DenseProblem(375, 500));
        Assert.Contains("needs a 16512x16512 matrix", RandomWalkPropagation.DenseProblem(516, 512));
    }

    [Fact]
    public void CamsOfAShrunkImageAreWrittenAtTheImageSize()
    {
        var result = CamInferenceRunner.Run(Options(setup.DataDir) with { Domain = "train_aug", MaxSide = 40 });
        Assert.Equal(4, result.Written);
        foreach (var file in Directory.GetFiles(result.PredictionDir, "*.npz").Select(CamFile.Read))
        {
            Assert.Equal((64, 64), (file.HighResCam!.Height, file.HighResCam.Width));
            Assert.Equal((16, 16), (file.Cam!.Height, file.Cam.Width));
            Assert.All(file.HighResCam.Values, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.Equal("40", OutputProvenance.Read(result.PredictionDir)!.Settings["max_side"]);
        // Without it the folder's record keeps its old form, so folders made before the flag still resume.
        var plain = CamInferenceRunner.Run(Options(setup.DataDir) with { Domain = "train_aug", Tag = "plain" });
        Assert.False(OutputProvenance.Read(plain.PredictionDir)!.Settings.ContainsKey("max_side"));
    }

    [Fact]
    public void ATooLargeImageStopsTheStageBeforeItsNetworkRuns()
    {
        var tree = new VocTree().AddImage("large", 1300, 1200, ("cat", 1, 1, 100, 100)).List("train", "large");
        try
        {
            var e = Assert.Throws<BadInputException>(() => CamInferenceRunner.Run(Options(tree.Root) with { Scales = [1.0] }));
            Assert.StartsWith(tree.PathOf("JPEGImages/large.jpg") + ": the 1300x1200 image at scale 1", e.Message);
            Assert.Empty(Directory.GetFiles(experiments, "*.npz", SearchOption.AllDirectories));
            var shrunk = CamInferenceRunner.Run(Options(tree.Root) with { Scales = [1.0], MaxSide = 256, Tag = "shrunk" });
            var file = CamFile.Read(CamInferenceRunner.OutputPath(shrunk.PredictionDir, "large"));
            Assert.Equal((1200, 1300), (file.HighResCam!.Height, file.HighResCam.Width));
        }
        finally
        {
            Directory.Delete(tree.Root, recursive: true);
        }
    }

    private CamInferenceOptions Options(string dataDir) => new()
    {
        Tag = "tiny",
        Architecture = "resnet18",
        Mode = NormMode.Fix,
        Domain = "train",
        Scales = [1.0],
        DataDir = dataDir,
        ExperimentsDir = experiments,
        Checkpoint = setup.Checkpoint,
        Gpus = "cpu",
    };
}
