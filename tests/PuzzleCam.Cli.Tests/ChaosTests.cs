using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace PuzzleCam.Cli.Tests;

/// <summary>
/// The whole job killed as a crash would (SIGKILL, no cleanup) at several points, inside training, inference and the
/// files they write, then run again until it finishes: the table and every output must be those of a run never
/// interrupted, byte for byte.
/// </summary>
public class ChaosTests
{
    /// <summary>Where the job is killed: the header a stage prints, and how long after it.</summary>
    public static TheoryData<string, int> KillPoints => new()
    {
        { "== stage 1: train the Puzzle-CAM classifier", 1500 },
        { "== stage 2: multi-scale CAMs of train_aug from the Puzzle-CAM classifier", 300 },
        { "== stage 4: train AffinityNet", 1200 },
        { "== stage 5: random walk", 200 },
        { "== stage 6: pseudo labels", 100 },
        { "== stage 7: train DeepLabv3+", 1500 },
        { "== stage 8: segment", 300 },
    };

    [Fact]
    [Trait("Category", "Slow")]
    public void AJobKilledAtAnyPointResumesToTheOutputsOfAnUninterruptedOne()
    {
        var root = Directory.CreateTempSubdirectory("chaos").FullName;
        try
        {
            var calm = Path.Combine(root, "calm");
            var (code, output) = RunJob(calm, killAfter: null);
            Assert.True(code == 0, output);

            var chaos = Path.Combine(root, "chaos");
            var kills = new List<string>();
            foreach (var (header, delay) in KillPoints.Select(p => ((string)p[0], (int)p[1])))
            {
                var (killedCode, killedOutput) = RunJob(chaos, (header, delay));
                // A stage that finished before the kill came is not a failure, only a point that was passed.
                if (killedCode != 0) kills.Add(header);
                Assert.DoesNotContain("Unhandled exception", killedOutput);
            }
            Assert.True(kills.Count >= 4, $"the job was killed only at: {string.Join(", ", kills)}");
            (code, output) = RunJob(chaos, killAfter: null);
            Assert.True(code == 0, output);

            Assert.Equal(Table(calm), Table(chaos));
            var expected = Outputs(calm);
            var actual = Outputs(chaos);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            var differing = expected.Where(kv => kv.Value != actual[kv.Key]).Select(kv => kv.Key).Order().ToArray();
            Assert.True(differing.Length == 0, $"differ after the interrupted runs (killed at: {string.Join("; ", kills)}): {string.Join(", ", differing)}");
            Assert.Empty(Directory.GetFiles(Path.Combine(chaos, "experiments"), "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The rows of reproduce.json (the time it took differs).</summary>
    private static string Table(string work) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "experiments", "reproduce.json"))).RootElement.GetProperty("rows").GetRawText();

    /// <summary>Every model, label and prediction file by its path under the work folder, with its SHA-256.</summary>
    private static Dictionary<string, string> Outputs(string work)
    {
        var experiments = Path.Combine(work, "experiments");
        return Directory.EnumerateFiles(Path.Combine(experiments, "models"))
            .Concat(Directory.EnumerateFiles(Path.Combine(experiments, "predictions"), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".pth" or ".npz" or ".png")
            .ToDictionary(f => Path.GetRelativePath(work, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
    }

    /// <summary>Runs the tiny job in its own process; with <paramref name="killAfter"/>, kills it that long after the header shows.</summary>
    private static (int ExitCode, string Output) RunJob(string work, (string Header, int DelayMs)? killAfter)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "puzzlecam.dll"));
        foreach (var a in (string[])["reproduce", "--data_dir", Path.Combine(work, "datasets", "synthetic"), "--train", "8", "--val", "4", "--size", "64",
            "--image_size", "32", "--batch_size", "4", "--max_epoch", "2", "--scales", "1.0", "--experiments_dir", Path.Combine(work, "experiments")])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            output.AppendLine(line);
            if (killAfter is { } kill && line.StartsWith(kill.Header, StringComparison.Ordinal))
            {
                Thread.Sleep(kill.DelayMs);
                process.Kill(entireProcessTree: true);
                break;
            }
        }
        process.WaitForExit();
        return (process.HasExited ? process.ExitCode : -1, output + error.Result);
    }
}
