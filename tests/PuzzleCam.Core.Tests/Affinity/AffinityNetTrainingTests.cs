using System.Text.Json.Nodes;
using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Training;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Affinity;

/// <summary>
/// Stage 4 on the affinity labels that stage 3 makes from hand-made CAMs of the tiny tree: each image's classes share
/// the left 60% in vertical stripes (CAM 1 there, 0 elsewhere), so its labels hold classes, background and the pairs
/// between them. AffinityNet on the offline ResNet-18, batch 2 of 80-px crops, two iterations on the CPU.
/// </summary>
public sealed class AffinityNetTrainingTests : IDisposable
{
    private const string CamName = "tiny@train@scale=1.0";
    private const string Tag = "tiny-affinitynet";
    private static readonly long[][] Keys = [[7], [3, 12], [15]];
    private readonly TinyStageTree _tree = new();
    private readonly string _labelName;

    public AffinityNetTrainingTests()
    {
        _tree.WriteCams(CamName, i => Keys[i % 3], TinyStageTree.Stripes);
        var labels = AffinityLabelRunner.Run(new AffinityLabelStageOptions
        {
            CamName = CamName, Domain = TinyStageTree.Domain, DataDir = _tree.DataDir, ExperimentsDir = _tree.Experiments,
            Thresholds = AffinityLabelOptions.Readme, Workers = 2,
        });
        Assert.Equal(_tree.Dataset.Ids.Count, labels.Written);
        _labelName = Path.GetFileName(labels.Folder);
        // Every image's labels hold background and each of its classes, so training sees all three kinds of pairs.
        for (int i = 0; i < _tree.Dataset.Ids.Count; i++)
        {
            var present = PalettePng.Read(Path.Combine(labels.Folder, _tree.Dataset.Ids[i] + ".png")).Labels.Distinct().Select(v => (long)v).Order();
            Assert.Equal([0, .. Keys[i % 3]], present.Where(v => v != AffinityLabels.Ignore));
        }
    }

    public void Dispose() => _tree.Dispose();

    private AffinityNetTrainingOptions Options => new()
    {
        Tag = Tag, Architecture = "resnet18", LabelName = _labelName,
        DataDir = _tree.DataDir, Domain = TinyStageTree.Domain, ExperimentsDir = _tree.Experiments,
        BatchSize = 2, ImageSize = 80, MinImageSize = 64, MaxImageSize = 96, MaxIterations = 2, NumWorkers = 1, Gpus = "cpu",
    };

    [Fact]
    public void TwoIterationsTrainTheEdgeLayersIntoALoadableModelAndARerunReturnsIt()
    {
        var result = Trainer.Run(Options);
        Assert.Equal((Tag, 2L), (result.Tag, result.Iterations));
        Assert.True(double.IsFinite(result.LastLoss) && result.LastLoss > 0, $"last loss {result.LastLoss}");
        Assert.Equal((-1d, 0d), (result.BestMiou, result.BestThreshold));
        Assert.Equal(Path.Combine(_tree.Experiments, "models", Tag + ".pth"), result.ModelPath);

        // The walk's way of loading it: a fresh AffinityNet without a path index.
        using var trained = AffinityNet.Create("resnet18", pathIndex: null);
        trained.LoadCheckpoint(result.ModelPath);
        // The run's own start: the same seed, the same network (its path index draws nothing).
        manual_seed(Options.Seed);
        using var initial = AffinityNet.Create("resnet18", new PathIndex(AffinityNetTrainingOptions.Radius, 20, 20));
        var before = initial.state_dict();
        var after = trained.state_dict();
        foreach (var (key, value) in after.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)))
            Assert.True(value.equal(before[key]).all().item<bool>(), $"{key}: the frozen backbone changed");
        var edgeKeys = after.Keys.Where(k => k.StartsWith("fc_edge", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(edgeKeys);
        // Two small steps from the same start: every edge weight moved, none by as much as its own size.
        foreach (var k in edgeKeys)
        {
            float[] a = after[k].data<float>().ToArray(), b = before[k].data<float>().ToArray();
            double moved = Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum()), size = Math.Sqrt(b.Sum(y => (double)y * y));
            Assert.True(moved > 0 && moved < 0.5 * size, $"{k}: moved {moved} from a start of norm {size}");
        }

        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(_tree.Experiments, "data", Tag + ".json")))!;
        Assert.Equal([1L, 2L], log["train"]!.AsArray().Select(e => e!["iteration"]!.GetValue<long>()));

        // A rerun finds the run finished: no step, no new log entry, the same model file.
        var bytes = File.ReadAllBytes(result.ModelPath);
        var stamp = File.GetLastWriteTimeUtc(result.ModelPath);
        var again = Trainer.Run(Options);
        Assert.Equal((result.ModelPath, 2L), (again.ModelPath, again.Iterations));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(result.ModelPath));
        Assert.Equal(bytes, File.ReadAllBytes(result.ModelPath));
        log = JsonNode.Parse(File.ReadAllText(Path.Combine(_tree.Experiments, "data", Tag + ".json")))!;
        Assert.Equal([1L, 2L], log["train"]!.AsArray().Select(e => e!["iteration"]!.GetValue<long>()));
    }

    [Fact]
    public void AMissingOrForeignLabelFolderIsRefusedNamingTheFlag()
    {
        var missing = Assert.Throws<BadInputException>(() => Trainer.Run(Options with { LabelName = "none" }));
        Assert.Contains("input folder not found (--label_name)", missing.Message);

        var foreign = Assert.Throws<BadInputException>(() => Trainer.Run(Options with { LabelName = CamName }));
        Assert.Contains($"made by {CamInferenceRunner.StageName}, but {AffinityLabelRunner.StageName} outputs are needed here (--label_name)", foreign.Message);

        File.Delete(Path.Combine(_tree.Predictions(_labelName), _tree.Dataset.Ids[1] + ".png"));
        var incomplete = Assert.Throws<BadInputException>(() => Trainer.Run(Options));
        Assert.Contains("--label_name's folder", incomplete.Message);

        var empty = Assert.Throws<BadInputException>(() => Trainer.Run(Options with { LabelName = "" }));
        Assert.StartsWith("--label_name is required", empty.Message);

        // Nothing was trained: no model, no run folder left to resume.
        Assert.False(File.Exists(Path.Combine(_tree.Experiments, "models", Tag + ".pth")));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(88)]
    public void AnImageSizeBelow80OrOffTheStrideIsRefused(int size)
    {
        var e = Assert.Throws<BadInputException>(() => Trainer.Run(Options with { ImageSize = size }));
        Assert.StartsWith($"--image_size must be a multiple of 16 of at least 80, got {size}", e.Message);
    }
}
