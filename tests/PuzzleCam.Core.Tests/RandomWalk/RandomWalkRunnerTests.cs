using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.RandomWalk;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.RandomWalk;

/// <summary>
/// Stage 5 over the tiny tree's hand-made CAMs (one, two and one classes in stripes of the left 60%), walked over the
/// edges of an AffinityNet checkpoint (the offline ResNet-18 with seeded edge layers, as stage 4 starts) on a 64-px
/// edge canvas, 2^3 steps.
/// </summary>
public sealed class RandomWalkRunnerTests : IDisposable
{
    private const string CamName = "tiny@train@scale=1.0";
    private const string ModelName = "tiny-affinitynet";
    private static readonly long[][] Keys = [[7], [3, 12], [15]];
    private readonly TinyStageTree _tree = new();

    public RandomWalkRunnerTests()
    {
        _tree.WriteCams(CamName, i => Keys[i % 3], TinyStageTree.Stripes);
        var checkpoint = Path.Combine(_tree.Experiments, "models", ModelName + ".pth");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        manual_seed(3);
        using var model = AffinityNet.Create("resnet18", pathIndex: null);
        model.SaveCheckpoint(checkpoint);
    }

    public void Dispose() => _tree.Dispose();

    private RandomWalkStageOptions Options => new()
    {
        Architecture = "resnet18", ModelName = ModelName, CamDir = CamName,
        Domain = TinyStageTree.Domain, DataDir = _tree.DataDir, ExperimentsDir = _tree.Experiments, Gpus = "cpu",
        Walk = new RandomWalkOptions { EdgeCanvas = 64, ExpTimes = 3 },
    };

    [Fact]
    public void EachImageGetsItsWalkWithTheCamsKeysAsTheImageComputationDoes()
    {
        var ids = _tree.Dataset.Ids;
        var result = RandomWalkRunner.Run(Options);
        Assert.Equal((ids.Count, ids.Count, 0), (result.Images, result.Written, result.Skipped));
        Assert.Equal(_tree.Predictions(ModelName + "@train@beta=10@exp_times=3@rw"), result.Folder);

        using var model = AffinityNet.Create("resnet18", pathIndex: null);
        model.LoadCheckpoint(Options.CheckpointPath);
        var walk = new RandomWalkInference(model, Options.Walk);
        for (int i = 0; i < ids.Count; i++)
        {
            var cams = CamFile.Read(Path.Combine(_tree.Predictions(CamName), ids[i] + CamFile.Extension));
            var walked = CamFile.Read(Path.Combine(result.Folder, ids[i] + CamFile.Extension));
            var image = _tree.Dataset.ReadImage(ids[i]);
            Assert.Equal([0, .. Keys[i % 3]], walked.Keys);
            Assert.Equal(cams.Keys, walked.Keys);
            Assert.Null(walked.Cam);
            Assert.Null(walked.HighResCam);
            var rw = walked.RandomWalk!;
            Assert.Equal((Keys[i % 3].Length, image.Height, image.Width), (rw.Classes, rw.Height, rw.Width));
            // Finite (CamFile.Read refuses anything else), non-negative, divided by the image's largest value.
            Assert.All(rw.Values, v => Assert.True(v >= 0, $"{ids[i]}: value {v} below 0"));
            Assert.Equal(1f, rw.Values.Max());
            // Every class keeps a map: its CAM walks, it does not vanish.
            int plane = rw.Height * rw.Width;
            for (int c = 0; c < rw.Classes; c++) Assert.True(rw.Values.AsSpan(c * plane, plane).ToArray().Max() > 0, $"{ids[i]}: class {walked.Keys[c + 1]} walked to nothing");
            Assert.Equal(walk.Run(image, cams).RandomWalk!.Values, rw.Values);
        }

        var record = OutputProvenance.Read(result.Folder)!;
        Assert.Equal(RandomWalkRunner.StageName, record.Stage);
        Assert.Equal(("resnet18", "10", "3", "64", "sparse"),
            (record.Settings["architecture"], record.Settings["beta"], record.Settings["exp_times"], record.Settings["edge_canvas"], record.Settings["propagation"]));
    }

    [Fact]
    public void AResumeWritesOnlyTheMissingFile()
    {
        var ids = _tree.Dataset.Ids;
        var first = RandomWalkRunner.Run(Options);
        var files = ids.Select(id => Path.Combine(first.Folder, id + CamFile.Extension)).ToArray();
        var stamps = files.Select(File.GetLastWriteTimeUtc).ToArray();

        var again = RandomWalkRunner.Run(Options);
        Assert.Equal((ids.Count, 0, ids.Count), (again.Images, again.Written, again.Skipped));

        File.Delete(files[1]);
        var resumed = RandomWalkRunner.Run(Options);
        Assert.Equal((1, ids.Count - 1), (resumed.Written, resumed.Skipped));
        Assert.True(File.Exists(files[1]));
        for (int i = 0; i < files.Length; i++)
            if (i != 1) Assert.Equal(stamps[i], File.GetLastWriteTimeUtc(files[i]));
        Assert.Empty(Directory.GetFiles(first.Folder, "*.tmp"));
    }

    [Fact]
    public void AMissingCheckpointOrAForeignOrMissingCamFolderIsRefusedNamingIt()
    {
        // A missing checkpoint is a missing file (as for every model stage), named with the tag that makes it.
        var checkpoint = Assert.Throws<FileNotFoundException>(() => RandomWalkRunner.Run(Options with { ModelName = "none" }));
        Assert.StartsWith(Path.Combine(_tree.Experiments, "models", "none.pth"), checkpoint.Message);
        Assert.Contains("--model_name none not found", checkpoint.Message);
        Assert.Contains("train-affinitynet --tag none", checkpoint.Message);

        var missing = Assert.Throws<BadInputException>(() => RandomWalkRunner.Run(Options with { CamDir = "none" }));
        Assert.Contains("input folder not found (--cam_dir)", missing.Message);

        _tree.WriteMaps("walked", RandomWalkRunner.StageName, (_, image) => new CamFile([0, 7], RandomWalk: TinyStageTree.Columns(image.Width, image.Height, _ => 1f)));
        var foreign = Assert.Throws<BadInputException>(() => RandomWalkRunner.Run(Options with { CamDir = "walked" }));
        Assert.Contains($"made by {RandomWalkRunner.StageName}, but {CamInferenceRunner.StageName} outputs are needed here (--cam_dir)", foreign.Message);

        Assert.StartsWith("--model_name is required", Assert.Throws<BadInputException>(() => RandomWalkRunner.Run(Options with { ModelName = "" })).Message);
        Assert.StartsWith("--cam_dir is required", Assert.Throws<BadInputException>(() => RandomWalkRunner.Run(Options with { CamDir = " " })).Message);
        Assert.False(Directory.Exists(Options.OutputDir));
    }
}
