namespace PuzzleCam.Cli.Tests;

public class PipelineCommandTests
{
    [Fact]
    public void MakeSyntheticWritesAVocTreeThatCheckDataAccepts()
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("cli").FullName, "syn");
        var made = CliHarness.Run("make-synthetic", "--out", root, "--train", "6", "--val", "3", "--size", "64", "--seed", "3");
        Assert.Equal(0, made.ExitCode);
        Assert.Contains("train_aug 6 images", made.Output);
        var check = CliHarness.Run("check-data", "--data-dir", root, "--domain", "val");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("3 images (3 with masks), 0 skipped", check.Output);
        var again = CliHarness.Run("make-synthetic", "--out", root, "--train", "6", "--val", "3", "--size", "64", "--seed", "3");
        Assert.Contains("reusing it", again.Output);
    }

    [Theory]
    [InlineData("--size", "10")]
    [InlineData("--train", "0")]
    [InlineData("--seed", "-1")]
    public void OutOfRangeFlagIsNamed(string flag, string value)
    {
        var result = CliHarness.Run("make-synthetic", "--out", "/tmp/never-written", flag, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(flag, result.Error.Split('\n')[0]);
        Assert.False(Directory.Exists("/tmp/never-written"));
    }

    [Fact]
    public void VocPresetWithoutPretrainedWeightsRefusesAtOnceNamingTheFlag()
    {
        var work = Directory.CreateTempSubdirectory("voc").FullName;
        var experiments = Path.Combine(work, "experiments");
        var result = CliHarness.Run("reproduce", "--preset", "voc", "--data_dir", Path.Combine(work, "VOC2012"), "--experiments_dir", experiments);
        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("--pretrained", lines[0]);
        Assert.False(Directory.Exists(experiments));
    }

    [Fact]
    public void ReproduceHelpSaysWhatEachPresetRuns()
    {
        var help = CliHarness.Run("reproduce", "--help");
        Assert.Contains("resnest101", help.Output);
        Assert.Contains("resnet18", help.Output);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ReproduceRunsOnATinySyntheticPreset()
    {
        var work = Directory.CreateTempSubdirectory("reproduce").FullName;
        var data = Path.Combine(work, "datasets", "synthetic");
        var experiments = Path.Combine(work, "experiments");
        string[] args = ["reproduce", "--data_dir", data, "--train", "8", "--val", "4", "--size", "64", "--image_size", "32", "--batch_size", "4",
            "--max_epoch", "1", "--scales", "1.0", "--stages", "all", "--experiments_dir", experiments];
        var result = CliHarness.Run(args);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("== data", result.Output);
        Assert.Contains("train_aug: 8 images", result.Output);
        Assert.Contains("== CAM mIoU: baseline vs Puzzle-CAM", result.Output);
        Assert.Matches(@"mIoU\s+\d+\.\d\d\s+\d+\.\d\d", result.Output);
        Assert.True(File.Exists(Path.Combine(experiments, "models", "synthetic-resnet18-seed0-puzzle.pth")));
        Assert.True(File.Exists(Path.Combine(experiments, "models", "synthetic-resnet18-seed0-affinitynet.pth")));
        Assert.Contains("== stage 6: pseudo labels", result.Output);
        Assert.Contains("== stage 7: train DeepLabv3+ on the pseudo labels", result.Output);
        Assert.True(File.Exists(Path.Combine(experiments, "models", "synthetic-resnet18-seed0-deeplab.pth")));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(experiments, "predictions", "synthetic-resnet18-seed0-deeplab@val@scale=1.0@iteration=10"), "*.png").Length);
        var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(experiments, "reproduce.json"))).RootElement;
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["baseline_cam", "cam", "rw", "pseudo_labels", "cam", "deeplab", "deeplab_crf"], rows.Select(r => r.GetProperty("stage").GetString()!).ToArray());
        Assert.Equal(["train", "train", "train", "train", "val", "val", "val"], rows.Select(r => r.GetProperty("split").GetString()!).ToArray());
        Assert.All(rows, r => Assert.InRange(r.GetProperty("miou").GetDouble(), 0, 100));
        Assert.True(report.GetProperty("seconds").GetDouble() > 0);
        var written = File.GetLastWriteTimeUtc(Path.Combine(experiments, "reproduce.json"));

        // A second run finds every stage done and only reports.
        var again = CliHarness.Run(args);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("reusing it", again.Output);
        Assert.Contains(": 0 written, 2 already there", again.Output);
        Assert.Contains("DeepLabv3+ + CRF", again.Output);
        Assert.Contains("already holds this table", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(experiments, "reproduce.json")));
    }
}
