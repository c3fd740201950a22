using System.CommandLine;
using PuzzleCam.IO;
using PuzzleCam.Runtime;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>Parses, reports bad input as one line naming the flag or file, and maps failures to exit codes.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static int Run(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            // One line per problem; the usual wall of help text hides the flag that was wrong.
            foreach (var e in parsed.Errors) error.WriteLine($"puzzlecam: error: {e.Message}");
            error.WriteLine($"puzzlecam: run '{string.Join(' ', CommandPath(parsed))} --help' for the options");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"puzzlecam: error: {Describe(e)}");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("puzzlecam: cancelled; finished outputs are kept and a rerun resumes");
            return 130;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new Stack<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(r.Command is RootCommand ? "puzzlecam" : r.Command.Name);
        return names;
    }

    private static bool IsUserError(Exception e) =>
        e is InvalidDataFileException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or TorchUnavailableException or UnauthorizedAccessException or IOException or InvalidOperationException;

    private static string Describe(Exception e) => e is TorchUnavailableException ? e.Message : e.Message.ReplaceLineEndings(" ");
}
