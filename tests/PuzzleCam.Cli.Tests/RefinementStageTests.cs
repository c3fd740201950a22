namespace PuzzleCam.Cli.Tests;

/// <summary>
/// Stages 3-6 as a user runs them one by one after stage 2, and what they say about bad input: one line naming the
/// file or flag, exit code 1, and no output file written for it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RefinementStageTests : IDisposable
{
    private const string Cams = "synthetic-resnet18-seed0-puzzle@train@scale=1.0";
    private readonly string _work = Directory.CreateTempSubdirectory("refine").FullName;
    private string Data => Path.Combine(_work, "data");
    private string Experiments => Path.Combine(_work, "experiments");
    private string Predictions => Path.Combine(Experiments, "predictions");

    public RefinementStageTests()
    {
        var made = CliHarness.Run("reproduce", "--data_dir", Data, "--train", "8", "--val", "4", "--size", "64", "--image_size", "32", "--batch_size", "4",
            "--max_epoch", "1", "--scales", "1.0", "--experiments_dir", Experiments, "--stages", "data,classification,cams");
        Assert.True(made.ExitCode == 0, made.Error);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private CliHarness.Result Run(params string[] args) =>
        CliHarness.Run([.. args, "--data_dir", Data, "--experiments_dir", Experiments]);

    private string[] Outputs(string folder, string pattern)
    {
        var dir = Path.Combine(Predictions, folder);
        return Directory.Exists(dir) ? Directory.GetFiles(dir, pattern) : [];
    }

    private static void AssertRefused(CliHarness.Result result, string named)
    {
        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(named, lines[0]);
    }

    [Fact]
    public void StagesRunOneByOneAndRefuseBadInputNamingIt()
    {
        var labels = Run("make-affinity-labels", "--experiment_name", Cams, "--fg_threshold", "0.40", "--bg_threshold", "0.10");
        Assert.True(labels.ExitCode == 0, labels.Error);
        var labelName = Cams + "@aff_fg=0.40_bg=0.10";
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Predictions, labelName), "*.png").Length);

        var trained = Run("train-affinitynet", "--architecture", "resnet18", "--tag", "aff", "--label_name", labelName, "--domain", "train",
            "--batch_size", "2", "--max_epoch", "1", "--image_size", "96", "--min_image_size", "64", "--max_image_size", "128", "--num_workers", "0");
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.True(File.Exists(Path.Combine(Experiments, "models", "aff.pth")));

        var walked = Run("inference-rw", "--architecture", "resnet18", "--model_name", "aff", "--cam_dir", Cams);
        Assert.True(walked.ExitCode == 0, walked.Error);
        const string Walk = "aff@train@beta=10@exp_times=8@rw";
        Assert.Contains("--mode rw", walked.Output);
        var scored = Run("evaluate", "--experiment_name", Walk, "--domain", "train", "--mode", "rw");
        Assert.True(scored.ExitCode == 0, scored.Error);

        var pseudo = Run("make-pseudo-labels", "--experiment_name", Walk, "--threshold", "0.35", "--crf_iteration", "1");
        Assert.True(pseudo.ExitCode == 0, pseudo.Error);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Predictions, Walk + "@crf=1"), "*.png").Length);

        // A folder of another stage where CAMs are expected.
        AssertRefused(Run("make-affinity-labels", "--experiment_name", labelName), "make-affinity-labels");
        Assert.False(Directory.Exists(Path.Combine(Predictions, labelName + "@aff_fg=0.30_bg=0.05")));

        // A corrupt and a missing CAM file, in a copy of the folder.
        var copy = Path.Combine(Predictions, "copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(Path.Combine(Predictions, Cams))) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var npz = Directory.GetFiles(copy, "*.npz").Order().ToArray();
        File.WriteAllBytes(npz[0], [1, 2, 3]);
        // One worker, so the corrupt first file stops the run before any other image is labelled: with two, the other
        // worker may finish its (complete, valid) label first.
        AssertRefused(Run("make-affinity-labels", "--experiment_name", "copy", "--num_workers", "1"), Path.GetFileName(npz[0]));
        Assert.Empty(Outputs("copy@aff_fg=0.30_bg=0.05", "*.png"));
        File.Delete(npz[0]);
        AssertRefused(Run("make-affinity-labels", "--experiment_name", "copy"), Path.GetFileName(npz[0]));

        // Affinity labels of another size than their image.
        var labelFile = Directory.GetFiles(Path.Combine(Predictions, labelName), "*.png").Order().First();
        IO.PalettePng.Write(labelFile, new IO.LabelMap(10, 12));
        AssertRefused(Run("train-affinitynet", "--architecture", "resnet18", "--tag", "aff2", "--label_name", labelName, "--domain", "train",
            "--batch_size", "2", "--max_epoch", "1", "--image_size", "96", "--num_workers", "0"), Path.GetFileName(labelFile));
        Assert.False(File.Exists(Path.Combine(Experiments, "models", "aff2.pth")));

        // An AffinityNet checkpoint of another architecture.
        AssertRefused(Run("inference-rw", "--architecture", "resnet50", "--model_name", "aff", "--cam_dir", Cams, "--beta", "5"), "aff.pth");
        Assert.Empty(Outputs("aff@train@beta=5@exp_times=8@rw", "*.npz"));
    }
}
