using System.Diagnostics;

namespace PuzzleCam.Benchmarks;

/// <summary>The process's resident memory, as the benchmarks' <c>--memory_every</c> prints it to show it stays flat.</summary>
public static class ResidentMemory
{
    /// <summary>The process's resident set size (native memory included, which the GC does not see).</summary>
    public static double Megabytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>
    /// Reports "<paramref name="unit"/> n: resident memory X MB" after timed run <paramref name="timed"/> (1-based; warm-up
    /// runs are zero or less) when it is a multiple of <paramref name="every"/>; 0 means never.
    /// </summary>
    public static void ReportEvery(int every, int timed, string unit, Action<string>? report)
    {
        if (every > 0 && timed > 0 && timed % every == 0)
            report?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{unit} {timed}: resident memory {Megabytes():F0} MB"));
    }
}
