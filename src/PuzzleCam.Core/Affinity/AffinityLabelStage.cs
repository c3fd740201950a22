namespace PuzzleCam.Affinity;

/// <summary>Runs stage 3 (<see cref="AffinityLabels.Compute(CamFile, IO.RgbImage, AffinityLabelOptions, Crf.DenseCrf?, Crf.DenseCrf?)"/> on every image of the split), resumably.</summary>
public static class AffinityLabelRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "make-affinity-labels";

    /// <summary>Runs the stage on parallel CPU workers, each with its own dense CRF (<see cref="CrfLabelStage"/>).</summary>
    public static PerImageResult Run(AffinityLabelStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cams = new CamFileInput(options.CamDir, "--experiment_name", CamInferenceRunner.StageName, CamFile.HighResCamName);
        var settings = new Dictionary<string, string>
        {
            ["fg_threshold"] = options.Thresholds.FgThreshold.ToString("R", CultureInfo.InvariantCulture),
            ["bg_threshold"] = options.Thresholds.BgThreshold.ToString("R", CultureInfo.InvariantCulture),
        };
        return CrfLabelStage.Run(options, StageName, cams, "cams", settings,
            (file, image, crf) => AffinityLabels.Compute(file, image, options.Thresholds, crf), progress, cancel);
    }
}
