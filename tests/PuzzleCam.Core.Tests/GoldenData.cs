using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests;

/// <summary>
/// The golden vectors of the original PyTorch implementation: <c>$PUZZLECAM_GOLDEN_DIR</c> when set, otherwise the
/// repository's copy in <c>tests/golden</c> (kept in step with the shared vectors by <c>eng/sync-golden.sh</c>), found by
/// walking up from the test's folder. Tests take every shape and value from the files.
/// </summary>
public static class GoldenData
{
    public static string Root { get; } = Locate();

    public static string CaseDir(string caseName)
    {
        var dir = Path.Combine(Root, caseName);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"golden case {caseName} not found under {Root}");
        return dir;
    }

    public static NpyArray Load(string caseName, string file) => Npy.Read(Path.Combine(CaseDir(caseName), file));

    public static System.Text.Json.JsonDocument Json(string caseName, string file) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(CaseDir(caseName), file)));

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PUZZLECAM_GOLDEN_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!Directory.Exists(fromEnv)) throw new DirectoryNotFoundException($"PUZZLECAM_GOLDEN_DIR={fromEnv} does not exist");
            return fromEnv;
        }
        var copy = RepositoryCopy();
        if (copy is not null) return copy;
        throw new DirectoryNotFoundException("golden vectors not found: tests/golden is missing from the checkout and PUZZLECAM_GOLDEN_DIR is not set");
    }

    /// <summary>The copy the repository carries, <c>tests/golden</c>; null when the tests run outside a checkout.</summary>
    public static string? RepositoryCopy() => FindUp(Path.Combine("tests", "golden"));

    /// <summary>The shared vectors beside the repository (<c>../shared/golden</c>), where a developer or CI has them.</summary>
    public static string? SharedVectors() => FindUp(Path.Combine("..", "shared", "golden"));

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(Path.Combine(candidate, "README.md"))) return Path.GetFullPath(candidate);
        }
        return null;
    }
}
