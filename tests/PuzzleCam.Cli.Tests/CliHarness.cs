using PuzzleCam.Cli.CommandLine;

namespace PuzzleCam.Cli.Tests;

/// <summary>Runs the real command tree in-process and captures what it prints.</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(Program.BuildRoot(), args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
