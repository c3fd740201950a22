using PuzzleCam.Cams;

namespace PuzzleCam.Core.Tests.Cams;

public class CamInferenceOptionsTests
{
    [Fact]
    public void NamesFollowTheReference()
    {
        var options = new CamInferenceOptions { Tag = "ResNeSt101@Puzzle@optimal", Domain = "train_aug" };
        Assert.Equal("ResNeSt101@Puzzle@optimal@train@scale=0.5,1.0,1.5,2.0", options.ExperimentName);
        Assert.Equal(Path.Combine("experiments", "predictions", options.ExperimentName), options.PredictionDir);
        Assert.Equal(Path.Combine("experiments", "models", "ResNeSt101@Puzzle@optimal.pth"), options.CheckpointPath);
        Assert.Equal("t@val@scale=1.0", (options with { Tag = "t", Domain = "val", Scales = [1.0] }).ExperimentName);
        Assert.Equal("other.pth", (options with { Checkpoint = "other.pth" }).CheckpointPath);
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(2.0, "2.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(1.25, "1.25")]
    [InlineData(0.1, "0.1")]
    public void ScalesAreSpelledAsPythonFloats(double scale, string text) => Assert.Equal(text, CamInferenceOptions.FormatScale(scale));

    [Fact]
    public void ParsesScalesAndNamesTheFlagOnErrors()
    {
        Assert.Equal([0.5, 1.0, 1.5], CamInferenceOptions.ParseScales("0.5, 1,1.5"));
        Assert.Contains("--scales", Assert.Throws<BadInputException>(() => CamInferenceOptions.ParseScales("0.5,x")).Message);
    }

    [Theory]
    [InlineData("", "1.0", "resnet50", "--tag")]
    [InlineData("t", "0", "resnet50", "--scales")]
    [InlineData("t", "1,1.0", "resnet50", "--scales")]
    [InlineData("t", "9", "resnet50", "--scales")]
    [InlineData("t", "1.0", "vgg16", "architecture")]
    public void ValidateNamesTheBadOption(string tag, string scales, string architecture, string flag)
    {
        var options = new CamInferenceOptions { Tag = tag, Scales = CamInferenceOptions.ParseScales(scales), Architecture = architecture };
        Assert.Contains(flag, Assert.Throws<BadInputException>(options.Validate).Message);
    }
}
