using PuzzleCam.Models;

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
}
