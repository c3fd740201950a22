using System.CommandLine.Parsing;
using PuzzleCam.Runtime;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// Parses, reports bad input as one line naming the flag or file, reports anything else as a bug with its stack
/// trace, and maps each outcome to an exit code.
/// </summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>EX_SOFTWARE of sysexits.h: the program, not its input, is at fault.</summary>
    public const int InternalError = 70;

    public const int Cancelled = 130;

    /// <summary>The exit codes as the root command's help lists them.</summary>
    public static readonly string ExitCodes =
        $"Exit codes: {Ok} done; {Failed} bad input (a flag, file or folder, named in one line); {Usage} usage (unknown command or flag, "
        + $"a value out of range); {InternalError} internal error (a bug in puzzlecam, with its stack trace); {Cancelled} cancelled.";

    public static int Run(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            // One line per problem; the usual wall of help text hides the flag that was wrong.
            foreach (var message in UsageErrors(parsed)) error.WriteLine($"puzzlecam: error: {message}");
            error.WriteLine($"puzzlecam: run '{string.Join(' ', CommandPath(parsed))} --help' for the options");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, error);
        }
    }

    private static int Report(Exception e, TextWriter error)
    {
        var (outcome, cause) = Classify(e);
        if (outcome == Outcome.BadInput)
        {
            error.WriteLine($"puzzlecam: error: {Describe(cause)}");
            return Failed;
        }
        if (outcome == Outcome.Cancelled)
        {
            error.WriteLine("puzzlecam: cancelled; finished outputs are kept and a rerun resumes");
            return Cancelled;
        }
        // The whole exception (inner ones too) goes out: a bug report needs it, and input problems never reach here.
        error.WriteLine($"puzzlecam: internal error (a bug in puzzlecam): {cause.GetType().FullName}: {FirstLine(cause.Message)}");
        error.WriteLine(e);
        error.WriteLine("puzzlecam: finished outputs are kept and a rerun resumes; please report the lines above");
        return InternalError;
    }

    /// <summary>Ordered by precedence: an aggregate with a bug in it is a bug, one with bad input in it is bad input.</summary>
    private enum Outcome { Bug, BadInput, Cancelled }

    /// <summary>
    /// What an exception means for the user. Parallel loops wrap their workers' exceptions in an
    /// <see cref="AggregateException"/>: it is bad input (or a cancellation) only when every exception in it is.
    /// </summary>
    private static (Outcome, Exception) Classify(Exception e)
    {
        if (e is AggregateException aggregate)
        {
            var inner = aggregate.Flatten().InnerExceptions.Select(Classify).ToList();
            return inner.Count == 0 ? (Outcome.Bug, e) : inner.MinBy(c => c.Item1);
        }
        if (IsBadInput(e)) return (Outcome.BadInput, e);
        if (e is OperationCanceledException) return (Outcome.Cancelled, e);
        return (Outcome.Bug, e);
    }

    /// <summary>
    /// Our own refusals and what the file system or the machine says. ArgumentException and InvalidOperationException
    /// are not among them: TorchSharp and .NET throw those for misuse, which is a bug here.
    /// </summary>
    private static bool IsBadInput(Exception e) => e is BadInputException or IOException or UnauthorizedAccessException or TorchUnavailableException;

    private static string Describe(Exception e) => e is TorchUnavailableException ? e.Message : e.Message.ReplaceLineEndings(" ");

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        int end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new Stack<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as CommandResult)
            names.Push(r.Command is RootCommand ? "puzzlecam" : r.Command.Name);
        return names;
    }

    /// <summary>
    /// The parser's errors, with an unknown command or flag named as such and the nearest known spelling suggested;
    /// System.CommandLine would say "Required command was not provided" for a misspelt command.
    /// </summary>
    private static IEnumerable<string> UsageErrors(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var unknown = parsed.UnmatchedTokens;
        if (unknown.Count == 0)
        {
            foreach (var e in parsed.Errors)
                yield return command.Subcommands.Count > 0 && e.SymbolResult is CommandResult
                    ? $"{e.Message.TrimEnd('.')}; commands: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}"
                    : e.Message;
            yield break;
        }
        foreach (var token in unknown)
        {
            bool isFlag = token.StartsWith('-');
            IEnumerable<string> known = isFlag
                ? command.Options.Concat(parsed.RootCommandResult.Command.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.Select(c => c.Name);
            var what = isFlag ? "flag" : command.Subcommands.Count > 0 ? "command" : "argument";
            var where = command is RootCommand ? "" : $" for '{command.Name}'";
            var guess = Nearest(token, known);
            yield return $"unknown {what} '{token}'{where}" + (guess is null ? "" : $"; did you mean '{guess}'?");
        }
        foreach (var e in parsed.Errors)
        {
            // Already said above, better: the unknown tokens themselves, and the command that a typo failed to name.
            if (unknown.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (command.Subcommands.Count > 0 && e.SymbolResult is CommandResult) continue;
            yield return e.Message;
        }
    }

    /// <summary>The known name closest to <paramref name="token"/> by edit distance, if close enough to be a typo.</summary>
    internal static string? Nearest(string token, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in known.Distinct())
        {
            int d = EditDistance(token, name);
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        return bestDistance <= Math.Max(2, token.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance, with a swap of two neighbouring letters counted as one edit.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
