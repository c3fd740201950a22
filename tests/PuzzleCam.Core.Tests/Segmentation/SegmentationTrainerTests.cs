using PuzzleCam.Core.Tests.Training;
using PuzzleCam.Training;
using System.Text.Json.Nodes;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Models;
using PuzzleCam.Segmentation;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Segmentation;

[Trait("Category", "Slow")]
public sealed class SegmentationTrainerTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly Lazy<string> Data = new(() =>
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("seg-trainer").FullName, "synthetic");
        SyntheticVocDataset.Generate(root, new SyntheticOptions { Train = 8, Val = 2, Size = 64, Seed = 5 });
        return root;
    });

    private static SegmentationTrainingOptions Options(string experiments, string tag) => new()
    {
        DataDir = Data.Value,
        LabelDir = Path.Combine(Data.Value, "SegmentationClass"),
        Backbone = "resnet18",
        BatchSize = 4,
        MaxEpoch = 2,
        ImageSize = 48,
        MinImageSize = 40,
        MaxImageSize = 64,
        NumWorkers = 2,
        LearningRate = 0.001,
        Tag = tag,
        ExperimentsDir = experiments,
    };

    [Fact]
    public void InterruptedRunResumesToTheSameWeights()
    {
        var experiments = _temp.New("experiments");
        var straight = Weights.AssertAResumedRunEndsAsAStraightOne(tag => Options(experiments, tag));

        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(experiments, "data", "resumed.json")))!;
        Assert.Equal([1L, 2L, 3L], log["train"]!.AsArray().Select(e => e!["iteration"]!.GetValue<long>()));
        Assert.Equal([1L, 2L, 3L], log["validation"]!.AsArray().Select(e => e!["iteration"]!.GetValue<long>()));
        Assert.InRange(straight.BestMiou, 0, 100);
        using var model = DeepLabV3Plus.Create("resnet18", NormMode.Fix, useGroupNorm: true);
        model.LoadCheckpoint(straight.ModelPath);
    }

    [Fact]
    public void WithoutSelectionTheLastEpochIsKept()
    {
        var experiments = _temp.New("experiments");
        var result = Trainer.Run(Options(experiments, "last") with { Selection = CheckpointSelection.None, MaxEpoch = 1, MaxIterations = 1 });
        Assert.Equal(-1, result.BestMiou);
        var kept = TorchCheckpoint.Read(result.ModelPath);
        var last = TorchCheckpoint.Read(Path.Combine(experiments, "checkpoints", "last", $"model-{result.Iterations}.pth"));
        foreach (var (key, value) in last)
            Assert.True(value.equal(kept[key]).all().item<bool>(), $"{key}: the kept model is not the last one");
    }
}
