namespace PuzzleCam.Segmentation;

/// <summary>
/// Stage 8: multi-scale segmentation of a split with the stage-7 network (the reference's
/// <c>inference_segmentation.py</c>). Defaults are the reference script's, except <see cref="PerImageStageOptions.DataDir"/>, which points
/// at the project's synthetic dataset as the other stages do.
/// </summary>
public sealed record SegmentationInferenceOptions() : ModelStageOptions("val")
{
    /// <summary>The domain whose predictions are written as RGB colour images, not label indices.</summary>
    public const string TestDomain = "test";

    /// <summary><c>--backbone</c>: the network's backbone; must match the checkpoint.</summary>
    public string Backbone { get; init; } = "resnest101";

    /// <summary><c>--mode</c>: the backbone's BatchNorm (fix or normal) as trained; both use the running statistics at inference.</summary>
    public NormMode Mode { get; init; } = NormMode.Fix;

    /// <summary><c>--use_gn</c>: whether the ASPP and decoder have GroupNorm; must match the checkpoint.</summary>
    public bool UseGroupNorm { get; init; } = true;

    /// <summary><c>--tag</c>: the stage-7 experiment whose model is read, and the first part of the output folder's name.</summary>
    public string Tag { get; init; } = "";

    /// <summary><c>--scales</c>: image scales whose mirrored-pair logits are summed.</summary>
    public IReadOnlyList<double> Scales { get; init; } = CamInferenceOptions.DefaultScales;

    /// <summary><c>--iteration</c>: mean-field iterations of the dense CRF (0: none, the reference's default; its README uses 10).</summary>
    public int CrfIterations { get; init; }

    /// <summary><c>--checkpoint</c>: the network's weights; null: <c>{ExperimentsDir}/models/{Tag}.pth</c>, as the reference.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The checkpoint that is loaded: <see cref="Checkpoint"/>, or the reference's place for the tag.</summary>
    public override string CheckpointPath => Checkpoint ?? Layout.Model(Tag);

    /// <summary>The scales as the folder name spells them ("0.5,1.0,1.5,2.0").</summary>
    public string ScalesText => string.Join(",", Scales.Select(CamInferenceOptions.FormatScale));

    /// <summary>
    /// The reference's experiment name: <c>{tag}@{domain}@scale={scales}@iteration={n}</c>, with <c>train</c> for every
    /// domain containing "train".
    /// </summary>
    public string ExperimentName =>
        $"{Tag}@{(Domain.Contains("train", StringComparison.Ordinal) ? "train" : Domain)}@scale={ScalesText}@iteration={CrfIterations}";

    /// <summary>Where the PNGs go: <c>{ExperimentsDir}/predictions/{ExperimentName}</c>.</summary>
    public string PredictionDir => Layout.Predictions(ExperimentName);

    /// <summary>Whether the predictions are RGB colour images (the test domain) instead of label indices.</summary>
    public bool WritesColour => Domain == TestDomain;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the model and the output folder");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        base.Validate();
        if (Domain.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--domain '{Domain}' cannot be part of a folder name");
        if (CrfIterations < 0) throw new BadInputException($"--iteration must be at least 0, got {CrfIterations}");
        if (CamInferenceOptions.ScalesProblem(Scales) is { } scales) throw new BadInputException(scales);
        if (!Backbones.Architectures.Any(a => a.Name == Backbone))
            throw new BadInputException($"--backbone: unknown backbone '{Backbone}'; expected one of {string.Join(", ", Backbones.Architectures.Select(a => a.Name))}");
    }
}
