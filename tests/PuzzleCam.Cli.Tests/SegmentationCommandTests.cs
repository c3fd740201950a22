using PuzzleCam.IO;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Tests;

/// <summary>A tiny synthetic VOC tree (8 train, 4 val images of 64 px) whose ground truth serves as training labels.</summary>
public sealed class TinySegmentationData : IDisposable
{
    public TinySegmentationData()
    {
        Root = Directory.CreateTempSubdirectory("cli-seg").FullName;
        DataDir = Path.Combine(Root, "voc");
        var made = CliHarness.Run("make-synthetic", "--out", DataDir, "--train", "8", "--val", "4", "--size", "64", "--seed", "5");
        Assert.True(made.ExitCode == 0, made.Error);
    }

    public string Root { get; }
    public string DataDir { get; }
    public string GroundTruth => Path.Combine(DataDir, "SegmentationClass");

    public IReadOnlyList<string> TrainIds => File.ReadAllLines(Path.Combine(DataDir, "ImageSets", "Segmentation", "train_aug.txt"));

    /// <summary>A fresh folder under the fixture's root.</summary>
    public string Folder(string name) => Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A copy of the ground-truth PNGs of the training ids, to spoil one of them.</summary>
    public string CopyOfLabels()
    {
        var folder = Folder("labels");
        Directory.CreateDirectory(folder);
        foreach (var id in TrainIds) File.Copy(Path.Combine(GroundTruth, id + ".png"), Path.Combine(folder, id + ".png"));
        return folder;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary><c>train-segmentation</c> and <c>inference-segmentation</c> through the real command tree.</summary>
public sealed class SegmentationCommandTests(TinySegmentationData data) : IClassFixture<TinySegmentationData>
{
    private string[] TrainArgs(string labelDir, string experiments, params string[] more) =>
    [
        "train-segmentation", "--tag", "seg", "--label_dir", labelDir, "--data_dir", data.DataDir, "--backbone", "resnet18",
        "--batch_size", "4", "--max_epoch", "1", "--image_size", "64", "--min_image_size", "64", "--max_image_size", "96",
        "--num_workers", "0", "--lr", "0.001", "--experiments_dir", experiments, "--gpus", "cpu", .. more,
    ];

    [Fact]
    [Trait("Category", "Slow")]
    public void TrainsOneEpochThenSegmentsTheValidationSplit()
    {
        var experiments = data.Folder("exps");
        var trained = CliHarness.Run(TrainArgs(data.GroundTruth, experiments));
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("best mIoU", trained.Output);
        Assert.True(File.Exists(Path.Combine(experiments, "models", "seg.pth")));
        Assert.Contains("\"best_valid_mIoU\"", File.ReadAllText(Path.Combine(experiments, "data", "seg.json")));

        string[] infer = ["inference-segmentation", "--tag", "seg", "--backbone", "resnet18", "--domain", "val", "--scale", "0.5,1.0",
            "--iteration", "2", "--data_dir", data.DataDir, "--experiments_dir", experiments, "--gpus", "cpu"];
        var inferred = CliHarness.Run(infer);
        Assert.True(inferred.ExitCode == 0, inferred.Error);
        var folder = Path.Combine(experiments, "predictions", "seg@val@scale=0.5,1.0@iteration=2");
        var pngs = Directory.GetFiles(folder, "*.png");
        Assert.Equal(4, pngs.Length);
        foreach (var png in pngs)
        {
            var labels = PalettePng.Read(png);
            Assert.Equal((64, 64), (labels.Width, labels.Height));
            Assert.All(labels.Labels, v => Assert.InRange(v, (byte)0, (byte)20));
        }
        Assert.Contains("--mode png", inferred.Output);

        var again = CliHarness.Run(infer);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("0 written, 4 already there", again.Output);

        var evaluated = CliHarness.Run("evaluate", "--predict_dir", folder, "--data_dir", data.DataDir, "--domain", "val", "--mode", "png");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.Contains("mIoU", evaluated.Output);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PseudoHoldoutSelectionTrainsWithoutGroundTruthOfVal()
    {
        var experiments = data.Folder("holdout");
        var trained = CliHarness.Run(TrainArgs(data.GroundTruth, experiments, "--selection", "pseudo_holdout"));
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("held-out", File.ReadAllText(Path.Combine(experiments, "logs", "seg.txt")));
        Assert.True(File.Exists(Path.Combine(experiments, "models", "seg.pth")));
    }

    [Fact]
    public void AMissingLabelPngIsNamedBeforeAnythingIsWritten()
    {
        var labels = data.CopyOfLabels();
        var missing = Path.Combine(labels, data.TrainIds[3] + ".png");
        File.Delete(missing);
        AssertRefusedNaming(labels, missing, "not found");
    }

    [Fact]
    public void ALabelPngOfAnotherSizeIsNamed()
    {
        var labels = data.CopyOfLabels();
        var wrong = Path.Combine(labels, data.TrainIds[2] + ".png");
        PalettePng.Write(wrong, new LabelMap(32, 48));
        AssertRefusedNaming(labels, wrong, "32x48");
    }

    [Fact]
    public void ALabelValueOutsideTheClassesIsNamed()
    {
        var labels = data.CopyOfLabels();
        var bad = Path.Combine(labels, data.TrainIds[1] + ".png");
        var map = PalettePng.Read(bad);
        map[5, 7] = 30;
        PalettePng.Write(bad, map);
        AssertRefusedNaming(labels, bad, "30");
    }

    [Fact]
    public void AMissingLabelFolderNamesTheFlag()
    {
        var result = CliHarness.Run("train-segmentation", "--tag", "seg", "--label_name", "no-such-labels", "--data_dir", data.DataDir,
            "--backbone", "resnet18", "--experiments_dir", data.Folder("nolabels"));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("no-such-labels", line);
        Assert.Contains("--label_name", line);
    }

    [Fact]
    public void LabelNameAndLabelDirTogetherAreRefusedNamingBoth()
    {
        var result = CliHarness.Run("train-segmentation", "--tag", "seg", "--label_name", "pseudo", "--label_dir", data.GroundTruth,
            "--data_dir", data.DataDir, "--backbone", "resnet18", "--experiments_dir", data.Folder("both"));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("--label_name and --label_dir", line);
    }

    [Theory]
    [InlineData("--backbone", "resnet50")]
    [InlineData("--use_gn", "false")]
    public void ACheckpointOfAnotherNetworkIsRefusedNamingTheFile(string flag, string value)
    {
        var work = data.Folder("ckpt");
        Directory.CreateDirectory(work);
        var checkpoint = Path.Combine(work, "resnet18-gn.pth");
        using (var model = DeepLabV3Plus.Create("resnet18", NormMode.Fix, useGroupNorm: true)) model.SaveCheckpoint(checkpoint);
        string[] args = ["inference-segmentation", "--tag", "other", "--domain", "val", "--scales", "1.0",
            "--data_dir", data.DataDir, "--checkpoint", checkpoint, "--experiments_dir", work, "--gpus", "cpu", flag, value];
        if (flag != "--backbone") args = [.. args, "--backbone", "resnet18"];
        var result = CliHarness.Run(args);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains(checkpoint, line);
        var folder = Path.Combine(work, "predictions", "other@val@scale=1.0@iteration=0");
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "the prediction folder must stay empty");
    }

    [Fact]
    public void ABackboneFromAnotherArchitectureOrAMissingFileIsNamed()
    {
        var work = data.Folder("from");
        Directory.CreateDirectory(work);
        var checkpoint = Path.Combine(work, "resnet50-classifier.pth");
        using (var classifier = Classifier.Create("resnet50", NormMode.Normal)) classifier.SaveCheckpoint(checkpoint);
        foreach (var (file, says) in new[] { (checkpoint, "nothing was loaded"), (Path.Combine(work, "missing.pth"), "--backbone_from") })
        {
            var experiments = Path.Combine(work, "exps");
            var result = CliHarness.Run(TrainArgs(data.GroundTruth, experiments, "--backbone_from", file));
            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Error.Trim().Split('\n'));
            Assert.Contains(file, line);
            Assert.Contains(says, line);
            Assert.False(File.Exists(Path.Combine(experiments, "models", "seg.pth")));
        }
    }

    [Fact]
    public void HelpExplainsTheSelection()
    {
        var help = CliHarness.Run("train-segmentation", "--help");
        Assert.Contains("val_gt", help.Output);
        Assert.Contains("pseudo_holdout", help.Output);
        Assert.Contains("--label_name", help.Output);
    }

    private void AssertRefusedNaming(string labels, string file, string says)
    {
        var experiments = data.Folder("refused");
        var result = CliHarness.Run(TrainArgs(labels, experiments));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains(file, line);
        Assert.Contains(says, line);
        Assert.False(Directory.Exists(experiments));
        Assert.Equal("", result.Output);
    }
}
