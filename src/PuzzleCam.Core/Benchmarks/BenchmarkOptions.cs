namespace PuzzleCam.Benchmarks;

/// <summary>
/// What every benchmark repeats: untimed runs first, so that one-time costs (allocator growth, lazy initialisation,
/// cuDNN autotuning) stay out of the timing, then timed runs whose median, minimum and maximum are reported.
/// </summary>
public abstract record BenchmarkOptions
{
    /// <summary><c>--warmup</c>: untimed runs first.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary><c>--repeats</c>: timed runs.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>
    /// <c>--memory_every</c>: report the process's resident memory every this many timed runs (0: never), to check it
    /// stays flat; a benchmark whose unit of work holds no native memory between runs ignores it.
    /// </summary>
    public int ReportMemoryEvery { get; init; }

    /// <summary>Throws <see cref="BadInputException"/> naming the flag of the first count out of range.</summary>
    public void ValidateRuns()
    {
        if (Warmup < 0) throw new BadInputException($"--warmup must be at least 0, got {Warmup}");
        if (Repeats < 1) throw new BadInputException($"--repeats must be at least 1, got {Repeats}");
        if (ReportMemoryEvery < 0) throw new BadInputException($"--memory_every must be at least 0, got {ReportMemoryEvery}");
    }
}
