using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Core.Tests.Segmentation;

public class SegmentationOptionsTests
{
    [Fact]
    public void TrainingDefaultsAreTheReferenceScripts()
    {
        var o = new SegmentationTrainingOptions();
        Assert.Equal(("resnest269", NormMode.Fix, true), (o.Backbone, o.Mode, o.UseGroupNorm));
        Assert.Equal((32, 50, 0.007, 4e-5, true), (o.BatchSize, o.MaxEpoch, o.LearningRate, o.WeightDecay, o.Nesterov));
        Assert.Equal((512, 256, 1024, 0.1), (o.ImageSize, o.MinImageSize, o.MaxImageSize, o.PrintRatio));
        Assert.Equal(CheckpointSelection.ValGt, o.Selection);
        Assert.Null(o.Momentum);
    }

    [Theory]
    [InlineData("", "x", "--tag")]
    [InlineData("t", "", "--label_name")]
    public void MissingNamesAreNamed(string tag, string labelName, string flag)
    {
        var e = Assert.Throws<BadInputException>(() => new SegmentationTrainingOptions { Tag = tag, LabelName = labelName }.Validate());
        Assert.Contains(flag, e.Message);
    }

    [Fact]
    public void TheLabelFolderIsNamedOrGiven()
    {
        var o = new SegmentationTrainingOptions { Tag = "t", LabelName = "pseudo@crf=1", ExperimentsDir = "exps" };
        Assert.Equal(Path.Combine("exps", "predictions", "pseudo@crf=1"), o.LabelFolder);
        Assert.Equal("/data/SegmentationClass", (o with { LabelDir = "/data/SegmentationClass" }).LabelFolder);
    }

    [Theory]
    [InlineData("val", 10, "DeepLabv3+@ResNeSt-101@Fix@GN@val@scale=0.5,1.0,1.5,2.0@iteration=10")]
    [InlineData("train_aug", 0, "DeepLabv3+@ResNeSt-101@Fix@GN@train@scale=0.5,1.0,1.5,2.0@iteration=0")]
    [InlineData("test", 10, "DeepLabv3+@ResNeSt-101@Fix@GN@test@scale=0.5,1.0,1.5,2.0@iteration=10")]
    public void InferenceFolderIsNamedAsTheReference(string domain, int iteration, string expected)
    {
        var o = new SegmentationInferenceOptions { Tag = "DeepLabv3+@ResNeSt-101@Fix@GN", Domain = domain, CrfIterations = iteration };
        Assert.Equal(expected, o.ExperimentName);
        Assert.Equal(domain == "test", o.WritesColour);
    }

    [Fact]
    public void NegativeCrfIterationsAreNamed()
    {
        var e = Assert.Throws<BadInputException>(() => new SegmentationInferenceOptions { Tag = "t", CrfIterations = -1 }.Validate());
        Assert.Contains("--iteration", e.Message);
    }

    [Fact]
    public void ColouriseUsesTheVocColours()
    {
        var labels = new LabelMap(2, 1, [0, 15]);
        var rgb = SegmentationInferenceRunner.Colourise(labels);
        Assert.Equal(new byte[] { 0, 0, 0, 192, 128, 128 }, rgb.Pixels);
    }
}
