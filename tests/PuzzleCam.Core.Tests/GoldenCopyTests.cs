using System.Security.Cryptography;

namespace PuzzleCam.Core.Tests;

/// <summary>The repository's copy of the golden vectors must not drift from the shared ones it was taken from.</summary>
public class GoldenCopyTests
{
    [Fact]
    public void RepositoryCopyMatchesSharedVectors()
    {
        var copy = GoldenData.RepositoryCopy();
        Assert.NotNull(copy);
        // A clone with nothing beside it has only the copy, and that is what its tests read: every case the generator
        // wrote must be there with its files.
        Assert.True(File.Exists(Path.Combine(copy, "generator_env.json")), $"{copy} has no generator_env.json");
        var cases = Directory.GetDirectories(copy, "case*");
        Assert.True(cases.Length >= 16, $"{copy} holds {cases.Length} case folders");
        Assert.All(cases, c => Assert.NotEmpty(Directory.EnumerateFiles(c, "*", SearchOption.AllDirectories)));
        if (GoldenData.SharedVectors() is not { } shared) return;
        var expected = Digests(shared);
        var actual = Digests(copy);
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var changed = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        Assert.True(missing.Count + changed.Count + extra.Count == 0,
            $"tests/golden differs from {shared} (run eng/sync-golden.sh): missing [{string.Join(", ", missing.Take(5))}], " +
            $"changed [{string.Join(", ", changed.Take(5))}], extra [{string.Join(", ", extra.Take(5))}]");
    }

    private static Dictionary<string, string> Digests(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(root, f).Replace('\\', '/'),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
