namespace PuzzleCam.Affinity;

/// <summary>
/// Thresholds of <c>make_affinity_labels.py</c>. The defaults are the script's; the README runs 0.40 / 0.10
/// (<see cref="Readme"/>).
/// </summary>
public sealed record AffinityLabelOptions
{
    /// <summary>
    /// <c>--fg_threshold</c>: a pixel is confidently a class when its CAM exceeds this (the strict map). Default 0.30,
    /// README 0.40.
    /// </summary>
    public double FgThreshold { get; init; } = 0.30;

    /// <summary>
    /// <c>--bg_threshold</c>: a pixel is confidently background when no CAM exceeds this (the lenient map). Default
    /// 0.05, README 0.10.
    /// </summary>
    public double BgThreshold { get; init; } = 0.05;

    /// <summary>The README's thresholds, fg 0.40 and bg 0.10.</summary>
    public static AffinityLabelOptions Readme { get; } = new() { FgThreshold = 0.40, BgThreshold = 0.10 };

    /// <summary>Throws <see cref="BadInputException"/> naming the flag of the first bad value.</summary>
    public void Validate()
    {
        BadInputException.RequireUnitInterval(FgThreshold, "--fg_threshold");
        BadInputException.RequireUnitInterval(BgThreshold, "--bg_threshold");
        if (BgThreshold > FgThreshold)
            throw new BadInputException($"--bg_threshold ({BgThreshold}) must not exceed --fg_threshold ({FgThreshold})");
    }
}
