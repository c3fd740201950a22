namespace PuzzleCam.Cli.Tests;

public sealed class PipelineCommandTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MakeSyntheticWritesAVocTreeThatCheckDataAccepts()
    {
        var root = Path.Combine(_temp.New("cli"), "syn");
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
        var work = _temp.New("voc");
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

    /// <summary>The main job's flags for a synthetic dataset and classifiers small enough to run every stage in seconds.</summary>
    private static string[] TinyPreset(string data, string experiments) =>
        ["--data_dir", data, "--train", "8", "--val", "4", "--size", "64", "--image_size", "32", "--batch_size", "4",
            "--max_epoch", "1", "--scales", "1.0", "--experiments_dir", experiments];

    [Fact]
    [Trait("Category", "Slow")]
    public void ReproduceRunsOnATinySyntheticPreset()
    {
        var work = _temp.New("reproduce");
        var data = Path.Combine(work, "datasets", "synthetic");
        var experiments = Path.Combine(work, "experiments");
        string[] args = ["reproduce", "--stages", "all", .. TinyPreset(data, experiments)];
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
        Assert.True(File.Exists(Path.Combine(experiments, "models", "synthetic-resnet18-seed0-deeplab-from-puzzle.pth")));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(experiments, "predictions", "synthetic-resnet18-seed0-deeplab-from-puzzle@val@scale=1.0@iteration=10"), "*.png").Length);
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

        // The dataset and experiments folders moved together elsewhere still resume: every record is relative.
        var moved = Path.Combine(_temp.New("reproduce-moved"), "work");
        Directory.Move(work, moved);
        var there = CliHarness.Run(["reproduce", "--stages", "all",
            .. TinyPreset(Path.Combine(moved, "datasets", "synthetic"), Path.Combine(moved, "experiments"))]);
        Assert.True(there.ExitCode == 0, there.Error);
        Assert.Contains(": 0 written, 2 already there", there.Output);
        Assert.DoesNotContain(" 1 written", there.Output);
        Assert.Contains("already holds this table", there.Output);
    }

    [Theory]
    [InlineData("--seeds", "0,x")]
    [InlineData("--seeds", "1,1")]
    [InlineData("--seeds", "")]
    [InlineData("--re_loss", "L3_Loss")]
    [InlineData("--re_loss_option", "everything")]
    [InlineData("--alpha_schedule", "2")]
    [InlineData("--alpha", "0")]
    public void AblationNamesABadFlagInOneLine(string flag, string value)
    {
        var work = _temp.New("ablation-bad");
        var data = Path.Combine(work, "datasets", "synthetic");
        var result = CliHarness.Run("ablation", "--data_dir", data, "--experiments_dir", Path.Combine(work, "experiments"), flag, value);
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(flag, lines[0]);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public void AblationHelpSaysWhatIsReused()
    {
        var help = CliHarness.Run("ablation", "--help");
        Assert.Contains("cls+pcl+re", help.Output);
        Assert.Contains("reused", help.Output);
        Assert.Contains("--re_loss_option", help.Output);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void AblationReusesReproducesClassifiersOnATinySyntheticPreset()
    {
        var work = _temp.New("ablation");
        var data = Path.Combine(work, "datasets", "synthetic");
        var experiments = Path.Combine(work, "experiments");
        var tiny = TinyPreset(data, experiments);
        var reproduce = CliHarness.Run(["reproduce", "--stages", "data,classification", .. tiny]);
        Assert.True(reproduce.ExitCode == 0, reproduce.Error);

        string[] args = ["ablation", "--seeds", "0", .. tiny];
        var result = CliHarness.Run(args);
        Assert.True(result.ExitCode == 0, result.Error);
        // The main job's two classifiers are found finished; only the two new settings train.
        Assert.Contains("synthetic-resnet18-seed0-baseline: resuming at iteration 2 of 2", result.Output);
        Assert.Contains("synthetic-resnet18-seed0-puzzle: resuming at iteration 2 of 2", result.Output);
        Assert.Contains("synthetic-resnet18-seed0-cls_pcl: Puzzle-CAM", result.Output);
        Assert.Contains("synthetic-resnet18-seed0-cls_re: Puzzle-CAM", result.Output);
        Assert.Contains("== the loss ablation", result.Output);
        Assert.Matches(@"cls\+pcl\+re\s+\d+\.\d\d\s+\d+\.\d\d\s+51\.53", result.Output);
        var path = Path.Combine(experiments, "ablation.json");
        var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["cls", "cls+pcl", "cls+re", "cls+pcl+re"], rows.Select(r => r.GetProperty("setting").GetString()!).ToArray());
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("seed").GetInt32()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("miou").GetDouble(), 0, 100));
        Assert.True(report.GetProperty("seconds").GetDouble() > 0);
        var written = File.GetLastWriteTimeUtc(path);

        // A second run trains nothing, infers nothing and prints the same table.
        var again = CliHarness.Run(args);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.DoesNotContain(": Puzzle-CAM resnet18", again.Output);
        Assert.DoesNotContain(": baseline resnet18", again.Output);
        Assert.Contains(": 0 written, 2 already there", again.Output);
        Assert.Contains("already holds this table", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }
}
