using System.Diagnostics;

namespace PuzzleCam.Benchmarks;

/// <summary>Wall-clock times of repeated runs of one unit of work, after warm-up runs that are not counted.</summary>
public sealed record Timing(IReadOnlyList<double> Seconds)
{
    public double Median
    {
        get
        {
            var s = Seconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
        }
    }

    public double Min => Seconds.Min();
    public double Max => Seconds.Max();

    /// <summary>The line every <c>puzzlecam bench</c> command prints.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"median: {Median:F4} s (min {Min:F4} s, max {Max:F4} s, {Seconds.Count} runs)");

    /// <summary>Runs <paramref name="work"/> <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static Timing Measure(Action work, int warmup = 1, int repeats = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (int i = 0; i < warmup; i++) work();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return new Timing(times);
    }
}
