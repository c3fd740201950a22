using System.Diagnostics;
using PuzzleCam.Data.Synthetic;

namespace PuzzleCam.Cli.Tests;

/// <summary>
/// The real <c>puzzlecam</c> process with eng/gc-pressure-hook loaded: a thread that collects and finalizes without
/// pause, so that any TorchSharp Scalar or Tensor left unheld during a libtorch call is freed in that window. Before the
/// Scalars were held, <c>bench cam</c> died this way within a minute ("Exception raised from toFloat at c10/core/Scalar.h").
/// </summary>
[Trait("Category", "Slow")]
public class GcPressureTests
{
    private static readonly Lazy<string> Image = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("gc-pressure").FullName;
        SyntheticVocDataset.Generate(root, new SyntheticOptions { Train = 1, Val = 1, Size = 128, Seed = 3 });
        return Directory.GetFiles(Path.Combine(root, "JPEGImages"), "*.jpg")[0];
    });

    [Fact]
    public void MultiScaleCamsSurvive() =>
        AssertSurvives("bench", "cam", "--architecture", "resnet18", "--image", Image.Value, "--scales", "0.5,1.0", "--warmup", "0", "--repeats", "6");

    [Fact]
    public void PuzzleTrainingStepsSurvive() =>
        AssertSurvives("bench", "train-step", "--architecture", "resnet18", "--batch_size", "2", "--image_size", "64", "--mode", "normal", "--puzzle", "--warmup", "0", "--repeats", "6");

    [Fact]
    public void AffinityNetTrainingStepsSurvive() =>
        AssertSurvives("bench", "affinity-step", "--architecture", "resnet18", "--batch_size", "2", "--image_size", "128", "--warmup", "0", "--repeats", "6");

    [Fact]
    public void RandomWalksSurvive() =>
        AssertSurvives("bench", "rw", "--width", "96", "--height", "80", "--classes", "2", "--backbone", "resnet18", "--warmup", "0", "--repeats", "6");

    private static void AssertSurvives(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "puzzlecam.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_STARTUP_HOOKS"] = Path.Combine(AppContext.BaseDirectory, "GcPressureHook.dll");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"puzzlecam {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}{error.Result}");
        Assert.Contains("6 runs", output);
    }
}
