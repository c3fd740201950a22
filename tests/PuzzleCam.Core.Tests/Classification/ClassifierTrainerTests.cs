using PuzzleCam.Core.Tests.Training;
using PuzzleCam.Training;
using System.Text.Json.Nodes;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Models;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Classification;

[Trait("Category", "Slow")]
public sealed class ClassifierTrainerTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly Lazy<string> Data = new(() =>
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("trainer").FullName, "synthetic");
        SyntheticVocDataset.Generate(root, new SyntheticOptions { Train = 8, Val = 2, Size = 64, Seed = 5 });
        return root;
    });

    private static ClassifierTrainingOptions Options(string experiments, string tag) => new()
    {
        DataDir = Data.Value,
        Architecture = "resnet18",
        Mode = NormMode.Fix,
        BatchSize = 4,
        MaxEpoch = 2,
        ImageSize = 32,
        MinImageSize = 32,
        MaxImageSize = 48,
        NumWorkers = 2,
        LearningRate = 0.01,
        Tag = tag,
        ExperimentsDir = experiments,
        Losses = new PuzzleLossOptions { Alpha = 4 },
    };

    [Fact]
    public void InterruptedRunResumesToTheSameWeights()
    {
        var experiments = _temp.New("experiments");
        var straight = Weights.AssertAResumedRunEndsAsAStraightOne(tag => Options(experiments, tag));

        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(experiments, "data", "resumed.json")))!;
        Assert.Equal([1L, 2L, 3L], log["train"]!.AsArray().Select(e => e!["iteration"]!.GetValue<long>()));
        Assert.True(File.Exists(straight.ModelPath));
    }

    [Fact]
    public void ResumingWithOtherOptionsIsRefused()
    {
        var experiments = _temp.New("experiments");
        Trainer.Run(Options(experiments, "x") with { MaxIterations = 1 });
        var e = Assert.ThrowsAny<BadInputException>(() => Trainer.Run(Options(experiments, "x") with { LearningRate = 0.5 }));
        Assert.Contains("other options", e.Message);
    }

    [Fact]
    public void BaselineTrainsAndSavesItsBestModel()
    {
        var experiments = _temp.New("experiments");
        var result = Trainer.Run(Options(experiments, "base") with { Puzzle = false });
        Assert.InRange(result.BestMiou, 0, 100);
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        model.LoadCheckpoint(result.ModelPath);
    }
}
