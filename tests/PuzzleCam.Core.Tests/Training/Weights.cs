using PuzzleCam.Models;
using PuzzleCam.Training;

namespace PuzzleCam.Core.Tests.Training;

/// <summary>Comparisons of saved models, for the tests of training runs that must end with the same weights.</summary>
internal static class Weights
{
    /// <summary>
    /// Asserts that two checkpoint files hold the same tensors under the same keys (the files themselves may differ in
    /// the name stored inside); <paramref name="differs"/> follows the key in the message of a tensor that differs.
    /// </summary>
    public static void AssertSame(string expected, string actual, string differs = "differs")
    {
        var a = TorchCheckpoint.Read(expected);
        var b = TorchCheckpoint.Read(actual);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (key, value) in a) Assert.True(value.equal(b[key]).all().item<bool>(), $"{key} {differs}");
    }

    /// <summary>
    /// Trains the run <c>straight</c> to iteration 3, and <c>resumed</c> to iteration 1 and then on to 3, and asserts
    /// that both end with the same weights. Both stop one step before the end, where the resume weights are still kept,
    /// to compare them. Returns the straight run.
    /// </summary>
    public static TrainingResult AssertAResumedRunEndsAsAStraightOne(Func<string, TrainingOptions> options)
    {
        var straight = Trainer.Run(options("straight") with { MaxIterations = 3 });
        Assert.Equal(3, straight.Iterations);
        Trainer.Run(options("resumed") with { MaxIterations = 1 });
        var resumed = Trainer.Run(options("resumed") with { MaxIterations = 3 });
        Assert.Equal(3, resumed.Iterations);
        var layout = options("straight").Layout;
        AssertSame(Path.Combine(layout.ResumeDir("straight"), "model-3.pth"), Path.Combine(layout.ResumeDir("resumed"), "model-3.pth"), "differs after resuming");
        return straight;
    }
}
