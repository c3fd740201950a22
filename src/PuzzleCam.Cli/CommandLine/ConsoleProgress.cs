using System.Diagnostics;
using PuzzleCam.Experiments;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// A progress bar on standard error: redrawn in place on a terminal, and a line every 10% when the output is a file
/// or a pipe (CI logs), so that long work shows it is alive either way.
/// </summary>
internal sealed class ConsoleProgress(string label) : IProgress<StageProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly object _gate = new();
    private int _lastShown = -1;
    private int _maxDone = -1;

    public void Report(StageProgress value)
    {
        var (done, total) = value;
        lock (_gate)
        {
            // Workers report their counts in whatever order they finish; only progress forward is shown.
            if (done <= _maxDone) return;
            _maxDone = done;
            int percent = total <= 0 ? 100 : (int)(100L * done / total);
            if (_interactive)
            {
                if (percent == _lastShown && done != total) return;
                const int width = 30;
                int filled = width * percent / 100;
                Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {_clock.Elapsed:mm\\:ss}");
                if (done == total) Console.Error.WriteLine();
            }
            else
            {
                if (percent / 10 == _lastShown / 10) return;
                Console.Error.WriteLine($"{label}: {done}/{total} ({percent}%) {_clock.Elapsed:mm\\:ss}");
            }
            _lastShown = percent;
        }
    }
}
