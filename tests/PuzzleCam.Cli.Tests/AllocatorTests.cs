using System.Diagnostics;
using PuzzleCam.Runtime;

namespace PuzzleCam.Cli.Tests;

/// <summary>The real <c>puzzlecam</c> process restarts itself on tcmalloc when it is installed, and only then.</summary>
public class AllocatorTests
{
    private static (int ExitCode, string Output) RunCli(string? allocatorChoice, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "puzzlecam.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("LD_PRELOAD");
        if (allocatorChoice is null) start.Environment.Remove(NativeAllocator.ChoiceVariable);
        else start.Environment[NativeAllocator.ChoiceVariable] = allocatorChoice;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Info_RunsOnTcmallocExactlyWhenItIsInstalled()
    {
        var (code, output) = RunCli(null, "info");
        Assert.True(code == 0, output);
        var expected = OperatingSystem.IsLinux() && NativeAllocator.FindTcmalloc() is not null ? "native allocator: tcmalloc" : "native allocator: glibc";
        Assert.Contains(expected, output);
    }

    [Fact]
    public void Info_KeepsGlibcWhenAsked()
    {
        var (code, output) = RunCli("glibc", "info");
        Assert.True(code == 0, output);
        Assert.Contains(OperatingSystem.IsLinux() ? "native allocator: glibc malloc" : "native allocator:", output);
    }

    [Fact]
    public void RestartedProcess_KeepsTheArgumentsAndTheExitCode()
    {
        var (code, output) = RunCli(null, "info", "--no-such-flag");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-flag", output);
    }
}
