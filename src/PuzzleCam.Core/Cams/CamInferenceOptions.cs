namespace PuzzleCam.Cams;

/// <summary>
/// Stage 2: multi-scale CAM inference over a split (the reference's <c>inference_classification.py</c>). Defaults
/// are the reference script's, except <see cref="PerImageStageOptions.DataDir"/>, which points at the project's synthetic dataset as the
/// other stages do.
/// </summary>
public sealed record CamInferenceOptions() : ModelStageOptions("train")
{
    /// <summary>The reference's <c>--scales</c> default.</summary>
    public static IReadOnlyList<double> DefaultScales { get; } = [0.5, 1.0, 1.5, 2.0];

    /// <summary>Largest accepted scale: 8x a 500 px VOC image is already a 4000 px input.</summary>
    public const double MaxScale = 8.0;

    /// <summary><c>--architecture</c>: the classifier's backbone (resnet50, resnest101, ...); must match the checkpoint.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary>
    /// <c>--mode</c>: how the classifier was built (normal or fix BatchNorm). Both normalise with the running statistics
    /// at inference; the checkpoint keys are the same.
    /// </summary>
    public NormMode Mode { get; init; } = NormMode.Normal;

    /// <summary><c>--tag</c>: the stage-1 experiment whose checkpoint is read, and the first part of the output folder's name.</summary>
    public string Tag { get; init; } = "";

    /// <summary><c>--scales</c>: image scales whose flipped-pair CAMs are summed.</summary>
    public IReadOnlyList<double> Scales { get; init; } = DefaultScales;

    /// <summary><c>--checkpoint</c>: the classifier's weights; null: <c>{ExperimentsDir}/models/{Tag}.pth</c>, as the reference.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The checkpoint that is loaded: <see cref="Checkpoint"/>, or the reference's place for the tag.</summary>
    public override string CheckpointPath => Checkpoint ?? Layout.Model(Tag);

    /// <summary>The scales as the folder name spells them: Python's float text, comma-separated ("0.5,1.0,1.5,2.0").</summary>
    /// <remarks>
    /// The reference pastes the argument text itself, so "1,2" and "1.0,2.0" name two folders there; spelling every
    /// scale as a Python float gives one folder per set of scales and the reference's name for its default.
    /// </remarks>
    public string ScalesText => string.Join(",", Scales.Select(FormatScale));

    /// <summary>The reference's experiment name: <c>{tag}@train@scale=0.5,1.0,1.5,2.0</c> (<c>@val</c> when the domain has no "train").</summary>
    public string ExperimentName =>
        $"{Tag}@{(Domain.Contains("train", StringComparison.Ordinal) ? "train" : "val")}@scale={ScalesText}";

    /// <summary>Where the per-image files go: <c>{ExperimentsDir}/predictions/{ExperimentName}</c>.</summary>
    public string PredictionDir => Layout.Predictions(ExperimentName);

    /// <inheritdoc/>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the checkpoint and the output folder");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (ScalesProblem(Scales) is { } problem) throw new BadInputException(problem);
        base.Validate();
        Backbones.Find(Architecture);
    }

    /// <summary>What is wrong with <paramref name="scales"/> as <c>--scales</c> (empty, out of (0, <see cref="MaxScale"/>], repeated), or null.</summary>
    public static string? ScalesProblem(IReadOnlyList<double> scales)
    {
        if (scales.Count == 0) return "--scales is empty";
        foreach (var s in scales)
            if (!(double.IsFinite(s) && s > 0 && s <= MaxScale))
                return FormattableString.Invariant($"--scales: every scale must be in (0, {MaxScale}], got {s}");
        if (scales.Distinct().Count() != scales.Count)
            return $"--scales {string.Join(",", scales.Select(FormatScale))} names a scale twice";
        return null;
    }

    /// <summary>What is wrong with the text of <c>--scales</c> (not numbers, or <see cref="ScalesProblem(IReadOnlyList{double})"/>), or null.</summary>
    public static string? ScalesProblem(string text)
    {
        try
        {
            return ScalesProblem(ParseScales(text));
        }
        catch (BadInputException e)
        {
            return e.Message;
        }
    }

    /// <summary>Parses <c>--scales</c>: comma-separated numbers such as "0.5,1.0,1.5,2.0".</summary>
    public static IReadOnlyList<double> ParseScales(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var scales = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out scales[i]))
                throw new BadInputException($"--scales '{text}': '{parts[i]}' is not a number");
        return scales;
    }

    /// <summary>Python's <c>str(float)</c> for the scales this stage accepts: shortest round-trip digits, ".0" on whole numbers.</summary>
    public static string FormatScale(double scale)
    {
        var text = scale.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }
}
