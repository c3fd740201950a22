using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests;

/// <summary>
/// The golden vectors of the original PyTorch implementation: <c>$PUZZLECAM_GOLDEN_DIR</c> when set, otherwise
/// <c>../shared/golden</c> found by walking up from the test's folder. Tests take every shape and value from the files.
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
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var sibling = Path.Combine(dir.FullName, "..", "shared", "golden");
            if (File.Exists(Path.Combine(sibling, "README.md"))) return Path.GetFullPath(sibling);
        }
        throw new DirectoryNotFoundException("golden vectors not found: put shared/golden beside the repository or set PUZZLECAM_GOLDEN_DIR");
    }
}
