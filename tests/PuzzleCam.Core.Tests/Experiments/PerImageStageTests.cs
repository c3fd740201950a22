using System.Collections.Concurrent;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Experiments;

/// <summary>The shared per-image loop on a stage whose work writes each id's name as text.</summary>
public sealed class PerImageStageTests : IDisposable
{
    private static readonly string[] Ids = ["a", "b", "c", "d", "e"];
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("perimage").FullName, "out");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    private PerImageOutputs Outputs(string setting = "1") => new()
    {
        Stage = "test-stage", Folder = _folder, Extension = ".txt", Ids = Ids,
        Settings = new Dictionary<string, string> { ["setting"] = setting },
    };

    /// <summary>Writes "{id}" to each file; counts the reads and processes, and may cancel after a number of them.</summary>
    private sealed class TextWork(ConcurrentBag<string> processed, CancellationTokenSource? cancelAfter = null, int after = int.MaxValue) : IImageWork<string>
    {
        public string Read(string id) => id.ToUpperInvariant();

        public void Process(string id, string input, string outputPath)
        {
            AtomicFile.WriteAllText(outputPath, input);
            processed.Add(id);
            if (processed.Count >= after) cancelAfter!.Cancel();
        }
    }

    private string[] Written() => Directory.GetFiles(_folder, "*.txt").Select(Path.GetFileNameWithoutExtension).Order().ToArray()!;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryIdIsWrittenWithWhatItsReadGave(bool parallel)
    {
        var done = new ConcurrentBag<string>();
        var result = parallel
            ? PerImageStage.RunInParallel(Outputs(), () => new TextWork(done), workers: 2)
            : PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork(done));
        Assert.Equal((5, 5, 0), (result.Images, result.Written, result.Skipped));
        Assert.Equal(Ids, Written());
        Assert.All(Ids, id => Assert.Equal(id.ToUpperInvariant(), File.ReadAllText(Path.Combine(_folder, id + ".txt"))));
        Assert.Equal("test-stage", OutputProvenance.Read(_folder)!.Stage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AResumeSkipsCompleteFilesAndRedoesMissingOnes(bool parallel)
    {
        PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork([]));
        File.Delete(Path.Combine(_folder, "c.txt"));
        var done = new ConcurrentBag<string>();
        var result = parallel
            ? PerImageStage.RunInParallel(Outputs(), () => new TextWork(done), workers: 2)
            : PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork(done));
        Assert.Equal((1, 4), (result.Written, result.Skipped));
        Assert.Equal(["c"], done);
        Assert.Equal(Ids, Written());
    }

    [Fact]
    public void NothingPendingStartsNoWork()
    {
        PerImageStage.RunInParallel(Outputs(), () => new TextWork([]), workers: 1);
        var result = PerImageStage.RunWithPrefetch<string>(Outputs(), () => throw new InvalidOperationException("no work should start"));
        Assert.Equal((0, 5), (result.Written, result.Skipped));
    }

    [Fact]
    public void ARerunWithOtherSettingsRefusesNamingTheSetting()
    {
        PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork([]));
        var e = Assert.Throws<OutputFolderConflictException>(() => PerImageStage.RunInParallel(Outputs("2"), () => new TextWork([]), workers: 1));
        Assert.Contains("setting: 1 there, 2 now", e.Message);
        Assert.Contains("--tag", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACancelledRunStopsAndLeavesWholeFilesThatAResumeKeeps(bool parallel)
    {
        using var cancel = new CancellationTokenSource();
        var done = new ConcurrentBag<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => parallel
            ? PerImageStage.RunInParallel(Outputs(), () => new TextWork(done, cancel, after: 2), workers: 1, cancel: cancel.Token)
            : PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork(done, cancel, after: 2), cancel: cancel.Token));
        Assert.InRange(Written().Length, 2, 4);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        var resumed = PerImageStage.RunWithPrefetch(Outputs(), () => new TextWork([]));
        Assert.Equal(5, resumed.Written + resumed.Skipped);
        Assert.Equal(Written().Length - resumed.Written, resumed.Skipped);
        Assert.Equal(Ids, Written());
    }
}
