namespace PuzzleCam.RandomWalk;

/// <summary>Settings of <c>make_pseudo_labels.py</c>. The defaults are the script's; the README runs 0.35 and 1 (<see cref="Readme"/>).</summary>
public sealed record PseudoLabelOptions
{
    /// <summary><c>--threshold</c>: the constant background score the random-walk maps must beat. Default 0.25, README 0.35.</summary>
    public double Threshold { get; init; } = 0.25;

    /// <summary><c>--crf_iteration</c>: mean-field iterations of the label CRF; 0 skips the CRF. Default 10, README 1.</summary>
    public int CrfIterations { get; init; } = 10;

    /// <summary>The README's settings: threshold 0.35, one CRF iteration.</summary>
    public static PseudoLabelOptions Readme { get; } = new() { Threshold = 0.35, CrfIterations = 1 };

    /// <summary>Throws <see cref="BadInputException"/> naming the flag of the first bad value.</summary>
    public void Validate()
    {
        BadInputException.RequireUnitInterval(Threshold, "--threshold");
        if (CrfIterations < 0) throw new BadInputException($"--crf_iteration must be at least 0, got {CrfIterations}");
    }
}
