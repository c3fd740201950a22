using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Experiments;

public class TrainingRunTests
{
    private static (ExperimentLayout Layout, string StatePath) RunWithState(string? state)
    {
        var layout = new ExperimentLayout(Directory.CreateTempSubdirectory("experiments").FullName);
        var dir = layout.ResumeDir("tag");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "state.json");
        if (state is not null) File.WriteAllText(path, state);
        return (layout, path);
    }

    [Fact]
    public void ANewRunStartsAtIterationZero()
    {
        var (layout, _) = RunWithState(null);
        var run = new TrainingRun(layout, "tag", "options");
        Assert.False(run.IsResumed);
        Assert.Equal(0, run.StartIteration);
    }

    [Fact]
    public void AValidStateResumesAtItsIteration()
    {
        var (layout, _) = RunWithState("""{"Iteration":12,"BestMiou":33.5,"BestThreshold":0.2,"Options":"options"}""");
        var run = new TrainingRun(layout, "tag", "options");
        Assert.True(run.IsResumed);
        Assert.Equal(12, run.StartIteration);
        Assert.Equal(33.5, run.BestMiou);
    }

    [Theory]
    [InlineData("", "not a resume state")]
    [InlineData("garbage", "not a resume state")]
    [InlineData("""{"Iteration":12,"BestMiou":1,"BestThr""", "not a resume state")]
    [InlineData("{}", "no options fingerprint")]
    [InlineData("""{"Iteration":-5,"BestMiou":1,"BestThreshold":0.2,"Options":"options"}""", "iteration -5 is negative")]
    [InlineData("""{"Iteration":5,"BestMiou":400,"BestThreshold":0.2,"Options":"options"}""", "best mIoU 400")]
    [InlineData("""{"Iteration":5,"BestMiou":1,"BestThreshold":7,"Options":"options"}""", "best threshold 7")]
    public void ABadStateIsNamedWithWhatToDo(string state, string problem)
    {
        var (layout, path) = RunWithState(state);
        var error = Assert.Throws<InvalidDataFileException>(() => new TrainingRun(layout, "tag", "options"));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains($"delete {layout.ResumeDir("tag")}", error.Message);
    }

    [Fact]
    public void AFingerprintWithItsPropertiesInAnotherOrderIsTheSameOptions()
    {
        var (layout, _) = RunWithState("""{"Iteration":12,"BestMiou":33.5,"BestThreshold":0.2,"Options":"{\"Seed\":0,\"Tag\":\"t\"}"}""");
        var run = new TrainingRun(layout, "tag", """{"Tag":"t","Seed":0}""");
        Assert.True(run.IsResumed);
        Assert.Throws<OutputFolderConflictException>(() =>
        {
            run.Dispose();
            using var other = new TrainingRun(layout, "tag", """{"Tag":"t","Seed":1}""");
        });
    }

    [Fact]
    public void AStateOfOtherOptionsRefusesToStitchTwoRuns()
    {
        var (layout, _) = RunWithState("""{"Iteration":12,"BestMiou":33.5,"BestThreshold":0.2,"Options":"other"}""");
        var error = Assert.Throws<OutputFolderConflictException>(() => new TrainingRun(layout, "tag", "options"));
        Assert.Contains("use another --tag", error.Message);
    }
}

public class TrainingRunSweepTests
{
    [Fact]
    public void OpeningARunSweepsTheTemporariesOfADeadWriterFromTheModelsFolder()
    {
        var layout = new ExperimentLayout(Directory.CreateTempSubdirectory("experiments").FullName);
        var models = Path.GetDirectoryName(layout.Model("tag"))!;
        Directory.CreateDirectory(models);
        // Process id 2^31-1 is never a live process: the writer of this file is gone.
        var stale = Path.Combine(models, $".tag.pth.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, new byte[16]);
        _ = new TrainingRun(layout, "tag", "options");
        Assert.False(File.Exists(stale));
    }
}
