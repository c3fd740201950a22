using PuzzleCam.Cams;
using PuzzleCam.Data.Voc;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Tests;

/// <summary>A tiny synthetic VOC tree made by the command itself, and a folder of .npz CAMs of its train split.</summary>
public sealed class TinyDataset : IDisposable
{
    public TinyDataset()
    {
        Root = Directory.CreateTempSubdirectory("cli-mends").FullName;
        DataDir = Path.Combine(Root, "voc");
        var made = CliHarness.Run("make-synthetic", "--out", DataDir, "--train", "8", "--val", "2", "--size", "64", "--seed", "3");
        Assert.True(made.ExitCode == 0, made.Error);
        CamDir = Path.Combine(Root, "cams");
        var dataset = VocDataset.Open(DataDir, ImageListSource.FromDomain("train"));
        var random = new Random(1);
        foreach (var id in dataset.Ids)
        {
            var image = dataset.ReadImage(id);
            var tags = dataset.ReadTags(id);
            long[] keys = [0, .. Enumerable.Range(0, tags.Length).Where(c => tags[c] > 0).Select(c => (long)c + 1)];
            int classes = keys.Length - 1;
            var values = Enumerable.Range(0, classes * image.Height * image.Width).Select(_ => random.NextSingle()).ToArray();
            new CamFile(keys, HighResCam: new ClassMaps(classes, image.Height, image.Width, values)).Write(Path.Combine(CamDir, id + ".npz"));
        }
    }

    public string Root { get; }
    public string DataDir { get; }
    public string CamDir { get; }

    /// <summary>A regular file, to name where a folder is expected.</summary>
    public string AFile()
    {
        var path = Path.Combine(Root, "afile-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, "not a folder");
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Each mistake as a user made it, through the real command tree.</summary>
public sealed class InputMendTests(TinyDataset data) : IClassFixture<TinyDataset>
{
    private static string FirstLine(CliHarness.Result r) => r.Error.Split('\n')[0];

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    public void EvaluateRefusesAThresholdOutsideZeroToOneAndKeepsTheReport(string threshold)
    {
        var report = Path.Combine(data.CamDir, "report.json");
        File.WriteAllText(report, "{\"earlier\": true}");
        var result = CliHarness.Run("evaluate", "--predict_dir", data.CamDir, "--data_dir", data.DataDir, "--threshold", threshold);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--threshold must be in [0, 1]", FirstLine(result));
        Assert.Equal("{\"earlier\": true}", File.ReadAllText(report));
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void EvaluateWithAThresholdInRangeScores()
    {
        var report = Path.Combine(data.Root, "th.json");
        var result = CliHarness.Run("evaluate", "--predict_dir", data.CamDir, "--data_dir", data.DataDir, "--threshold", "0.3", "--report", report);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("mIoU", result.Output);
        Assert.True(File.Exists(report));
    }

    [Theory]
    [InlineData("train-classification", "--max_epoch", "0")]
    [InlineData("train-classification", "--lr", "0")]
    [InlineData("train-classification", "--max_iterations", "0")]
    [InlineData("train-classification", "--eval_every", "0")]
    [InlineData("train-classification", "--momentum", "-0.5")]
    [InlineData("train-classification", "--batch_size", "0")]
    [InlineData("evaluate", "--max_th", "2")]
    [InlineData("bench", "--repeats", "0")]
    public void NumericFlagsOutOfRangeAreNamed(string command, string flag, string value)
    {
        string[] args = command == "bench" ? ["bench", "cam", "--image", "x.jpg", flag, value] : [command, "--tag", "t", flag, value];
        var result = CliHarness.Run(command == "evaluate" ? ["evaluate", "--predict_dir", data.CamDir, flag, value] : args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"puzzlecam: error: {flag} must be", FirstLine(result));
    }

    [Fact]
    public void EvaluateRefusesAReportUnderAFileBeforeScoring()
    {
        var blocker = data.AFile();
        var result = CliHarness.Run("evaluate", "--predict_dir", data.CamDir, "--data_dir", data.DataDir, "--report", Path.Combine(blocker, "r.json"));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("--report", line);
        Assert.Contains($"{blocker} is a file, not a folder", line);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void EvaluatePrintsTheScoresAndWritesTheReport()
    {
        var report = Path.Combine(data.Root, "reports", "r.json");
        var result = CliHarness.Run("evaluate", "--predict_dir", data.CamDir, "--data_dir", data.DataDir, "--report", report);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("mIoU", result.Output);
        Assert.True(File.Exists(report));
    }

    [Theory]
    [InlineData("make-synthetic", "--out")]
    [InlineData("inference-classification", "--experiments_dir")]
    [InlineData("train-classification", "--experiments_dir")]
    [InlineData("reproduce", "--experiments_dir")]
    public void AnOutputFolderUnderAFileNamesTheFlagAndTheFile(string command, string flag)
    {
        var blocker = data.AFile();
        var folder = Path.Combine(blocker, "out");
        string[] args = command switch
        {
            "make-synthetic" => [command, flag, folder, "--train", "2", "--val", "1", "--size", "64"],
            "reproduce" => [command, "--data_dir", Path.Combine(data.Root, "never"), flag, folder],
            _ => [command, "--tag", "t", "--data_dir", data.DataDir, flag, folder],
        };
        var result = CliHarness.Run(args);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith($"puzzlecam: error: {flag} {folder}: {blocker} is a file, not a folder", line);
        Assert.False(Directory.Exists(Path.Combine(data.Root, "never")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ARerunRemovesTheTemporaryFileThatAKilledWriteLeft()
    {
        var work = Directory.CreateTempSubdirectory("stale-tmp").FullName;
        var checkpoint = Path.Combine(work, "tiny.pth");
        using (var model = Classifier.Create("resnet18", NormMode.Fix)) model.SaveCheckpoint(checkpoint);
        string[] args = ["inference-classification", "--tag", "tiny", "--architecture", "resnet18", "--mode", "fix", "--domain", "train",
            "--scales", "1.0", "--data_dir", data.DataDir, "--checkpoint", checkpoint, "--experiments_dir", work, "--gpus", "cpu"];
        var first = CliHarness.Run(args);
        Assert.True(first.ExitCode == 0, first.Error);
        var folder = Path.Combine(work, "predictions", "tiny@train@scale=1.0");
        var id = Path.GetFileNameWithoutExtension(Directory.GetFiles(folder, "*.npz")[0]);

        // What kill -9 in the middle of writing this id's file leaves: no .npz, an empty temporary of a dead process.
        File.Delete(Path.Combine(folder, id + ".npz"));
        var dead = Path.Combine(folder, $".{id}.npz.999999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(dead, []);
        // A live process's temporary (pid 1 always runs) may still be renamed: it stays.
        var live = Path.Combine(folder, $".{id}.npz.1.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(live, []);

        var rerun = CliHarness.Run(args);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Contains(": 1 written", rerun.Output);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(Path.Combine(folder, id + ".npz")));
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public void TrainingStopsAtATruncatedJpegBeforeItWritesAnything()
    {
        var root = Path.Combine(data.Root, "truncated");
        var made = CliHarness.Run("make-synthetic", "--out", root, "--train", "8", "--val", "2", "--size", "64", "--seed", "3");
        Assert.True(made.ExitCode == 0, made.Error);
        var ids = File.ReadAllLines(Path.Combine(root, "ImageSets", "Segmentation", "train_aug.txt"));
        var jpeg = Path.Combine(root, "JPEGImages", ids[5] + ".jpg");
        var bytes = File.ReadAllBytes(jpeg);
        File.WriteAllBytes(jpeg, bytes[..(bytes.Length / 2)]);

        var experiments = Path.Combine(data.Root, "truncated-exps");
        var result = CliHarness.Run("train-classification", "--tag", "t", "--data_dir", root, "--architecture", "resnet18",
            "--batch_size", "2", "--image_size", "32", "--min_image_size", "32", "--max_image_size", "48", "--experiments_dir", experiments);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains(jpeg, line);
        Assert.False(Directory.Exists(experiments));
    }

    [Fact]
    public void AnUnknownArchitectureNamesTheFlagAndTheChoices()
    {
        var result = CliHarness.Run("inference-classification", "--tag", "t", "--architecture", "resnet999");
        Assert.Equal(2, result.ExitCode);
        var line = FirstLine(result);
        Assert.Contains("--architecture", line);
        Assert.Contains("resnet999", line);
        foreach (var name in Backbones.Architectures.Select(a => a.Name)) Assert.Contains(name, line);
    }

    [Theory]
    [InlineData("evalute", "evaluate")]
    [InlineData("inference-clasification", "inference-classification")]
    [InlineData("chek-data", "check-data")]
    public void AMisspeltCommandSuggestsTheNearest(string typo, string meant)
    {
        var result = CliHarness.Run(typo, "--data_dir", "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"puzzlecam: error: unknown command '{typo}'; did you mean '{meant}'?", FirstLine(result));
        Assert.DoesNotContain("Required command", result.Error);
    }

    [Fact]
    public void AMisspeltFlagSuggestsTheNearest()
    {
        var result = CliHarness.Run("check-data", "--dat_dir", "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean '--data_dir'?", FirstLine(result));
    }

    [Theory]
    [InlineData("evaluate", "--threshold", "abc", "is not a number")]
    [InlineData("train-classification", "--batch_size", "1.5", "is not a whole number")]
    [InlineData("train-classification", "--max_iterations", "ten", "is not a whole number")]
    public void ANonNumberIsNamedWithoutTheDotNetType(string command, string flag, string value, string says)
    {
        var result = CliHarness.Run(command == "evaluate" ? [command, flag, value] : [command, "--tag", "t", flag, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"puzzlecam: error: {flag}: '{value}' {says}", FirstLine(result));
        Assert.DoesNotContain("System.", result.Error);
    }

    [Fact]
    public void EvaluateBlamesAPredictDirThatIsAFileOnThatFlag()
    {
        var file = Path.Combine(data.Root, "not-a-folder.txt");
        File.WriteAllText(file, "x");
        var result = CliHarness.Run("evaluate", "--predict_dir", file, "--data_dir", data.DataDir, "--domain", "train");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"puzzlecam: error: {file}: --predict_dir names a file; give the folder of predictions", FirstLine(result));
    }

    [Theory]
    [InlineData("inference-classification", "0.5,x", "'x' is not a number")]
    [InlineData("inference-classification", "0.5,9", "every scale must be in")]
    [InlineData("inference-segmentation", "1.0,1.0", "names a scale twice")]
    [InlineData("reproduce", "0,1", "every scale must be in")]
    public void ABadScaleIsAUsageErrorLikeEveryOtherFlag(string command, string scales, string says)
    {
        var result = CliHarness.Run(command == "reproduce" ? [command, "--scales", scales] : [command, "--tag", "t", "--scales", scales]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--scales", FirstLine(result));
        Assert.Contains(says, FirstLine(result));
    }

    [Theory]
    [InlineData("inference-classification", "16", "--max_side must be at least 32, got 16")]
    [InlineData("inference-segmentation", "big", "--max_side: 'big' is not a whole number")]
    [InlineData("inference-rw", "0", "--max_side must be at least 32, got 0")]
    public void ABadMaxSideIsAUsageError(string command, string value, string says)
    {
        string[] names = command == "inference-rw" ? ["--model_name", "m", "--cam_dir", "c"] : ["--tag", "t"];
        var result = CliHarness.Run([command, .. names, "--max_side", value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(says, FirstLine(result));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void AResumedTextLogDoesNotRepeatTheIterationsAfterTheCheckpoint()
    {
        var experiments = Path.Combine(data.Root, "resume-exps");
        string[] args = ["train-classification", "--tag", "r", "--data_dir", data.DataDir, "--architecture", "resnet18", "--mode", "fix",
            "--batch_size", "4", "--max_epoch", "2", "--image_size", "32", "--min_image_size", "32", "--max_image_size", "48",
            "--print_ratio", "0.5", "--lr", "0.01", "--num_workers", "0", "--experiments_dir", experiments];
        var first = CliHarness.Run([.. args, "--max_iterations", "1"]);
        Assert.True(first.ExitCode == 0, first.Error);
        // What kill -9 after iteration 2's line, before the next checkpoint, leaves in the text log.
        var text = Path.Combine(experiments, "logs", "r.txt");
        File.AppendAllText(text, "[i] iteration=2, learning_rate=0.0100, killed\n");

        var rerun = CliHarness.Run(args);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        var lines = File.ReadAllLines(text);
        Assert.DoesNotContain(lines, l => l.Contains("killed"));
        foreach (var iteration in new[] { 1, 2, 3, 4 })
            Assert.Single(lines, l => l.StartsWith($"[i] iteration={iteration}, learning_rate", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("resuming at iteration 1"));
    }
}
