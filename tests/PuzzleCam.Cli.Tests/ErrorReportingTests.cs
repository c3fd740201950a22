using System.CommandLine;
using System.Runtime.InteropServices;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.IO;
using TorchSharp;

namespace PuzzleCam.Cli.Tests;

/// <summary>How <see cref="CliApp"/> tells bad input (exit 1, one line) from a bug (exit 70, stack trace) and a cancellation.</summary>
public class ErrorReportingTests
{
    private static CliHarness.Result RunThrowing(Action action)
    {
        var root = new RootCommand("test");
        var command = new Command("go");
        command.SetAction(_ =>
        {
            action();
            return CliApp.Ok;
        });
        root.Add(command);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(root, ["go"], output, error);
        return new CliHarness.Result(code, output.ToString(), error.ToString());
    }

    public static TheoryData<string> BadInputs() => ["flag", "file", "folder", "missing", "io", "aggregate"];

    private static Exception BadInput(string kind) => kind switch
    {
        "flag" => new BadInputException("--lr must be positive, got 0"),
        "file" => new InvalidDataFileException("/data/a.jpg", "corrupt image"),
        "folder" => new OutputFolderConflictException("/exps/p", "holds files made with other options"),
        "missing" => new FileNotFoundException("/data/b.jpg: file not found", "/data/b.jpg"),
        "io" => new IOException("No space left on device"),
        _ => new AggregateException(new InvalidDataFileException("/data/c.png", "truncated PNG"), new OperationCanceledException()),
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineAndExitCodeOne(string kind)
    {
        var result = RunThrowing(() => throw BadInput(kind));
        Assert.Equal(CliApp.Failed, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("puzzlecam: error: ", line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public void ABugIsReportedAsOneWithItsStackTraceAndExitCode70()
    {
        var result = RunThrowing(() => throw new ObjectDisposedException("Tensor"));
        AssertBugReport(result, "System.ObjectDisposedException");
        Assert.Contains(nameof(RunThrowing), result.Error);
    }

    [Fact]
    public void AnArgumentExceptionIsABugNotBadInput()
    {
        var result = RunThrowing(() => throw new ArgumentException("Value cannot be negative", "size"));
        AssertBugReport(result, "System.ArgumentException");
    }

    [Fact]
    public void ANativeTorchFailureIsCaughtAsABugInsteadOfAborting()
    {
        Runtime.TorchRuntime.EnsureLoaded();
        var result = RunThrowing(() =>
        {
            // libtorch refuses the shape and TorchSharp's CheckForErrors turns its c10::Error into an ExternalException.
            using var a = torch.zeros(2, 3);
            using var wrong = a.view(4);
        });
        AssertBugReport(result, typeof(ExternalException).FullName!);
    }

    [Fact]
    public void AWorkerThreadsBugAmongBadFilesIsABug()
    {
        var result = RunThrowing(() => Task.WaitAll(
            Task.Run(() => throw new InvalidDataFileException("/data/1.jpg", "corrupt image")),
            Task.Run(() => throw new NullReferenceException("worker 2"))));
        AssertBugReport(result, "System.NullReferenceException");
    }

    [Fact]
    public void CancellationExitsWith130()
    {
        var result = RunThrowing(() => throw new OperationCanceledException());
        Assert.Equal(CliApp.Cancelled, result.ExitCode);
        Assert.Contains("rerun resumes", result.Error);
    }

    [Fact]
    public void TheRootHelpListsTheExitCodes()
    {
        var help = CliHarness.Run("--help");
        Assert.Equal(0, help.ExitCode);
        var text = string.Join(' ', help.Output.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        foreach (var code in new[] { "0 done", "1 bad input", "2 usage", "70 internal error", "130 cancelled" })
            Assert.Contains(code, text);
    }

    private static void AssertBugReport(CliHarness.Result result, string exceptionType)
    {
        Assert.Equal(CliApp.InternalError, result.ExitCode);
        var lines = result.Error.Trim().Split('\n');
        Assert.Contains("bug in puzzlecam", lines[0]);
        Assert.Contains(exceptionType, lines[0]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Contains("finished outputs are kept and a rerun resumes", lines[^1]);
    }
}
