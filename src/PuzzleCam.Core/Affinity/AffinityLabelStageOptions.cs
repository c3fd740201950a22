namespace PuzzleCam.Affinity;

/// <summary>
/// Stage 3 over a split (<c>make_affinity_labels.py</c>): the confident labels of every image's CAMs, written to
/// <c>predictions/{experiment_name}@aff_fg={fg}_bg={bg}/{id}.png</c>. Defaults are the reference script's; the README
/// runs fg 0.40 and bg 0.10.
/// </summary>
public sealed record AffinityLabelStageOptions() : CrfLabelStageOptions("train")
{
    /// <summary><c>--experiment_name</c>: the name of the CAM folder under predictions/ (stage 2's output) that is read.</summary>
    public string CamName { get; init; } = "";

    /// <summary><c>--fg_threshold</c> and <c>--bg_threshold</c>.</summary>
    public AffinityLabelOptions Thresholds { get; init; } = new();

    /// <summary>The CAM folder read.</summary>
    public string CamDir => Layout.Predictions(CamName);

    /// <summary>The reference's output name, <c>{experiment_name}@aff_fg=0.40_bg=0.10</c>.</summary>
    public override string OutputName => string.Create(CultureInfo.InvariantCulture,
        $"{CamName}@aff_fg={Thresholds.FgThreshold:F2}_bg={Thresholds.BgThreshold:F2}");

    /// <inheritdoc/>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(CamName)) throw new BadInputException("--experiment_name is required: it names the CAM folder under predictions/");
        base.Validate();
        Thresholds.Validate();
    }
}
