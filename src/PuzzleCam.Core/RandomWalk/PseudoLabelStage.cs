namespace PuzzleCam.RandomWalk;

/// <summary>Runs stage 6 (<see cref="PseudoLabels.Compute(CamFile, IO.RgbImage, PseudoLabelOptions, Crf.DenseCrf?)"/> on every image of the split), resumably.</summary>
public static class PseudoLabelRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "make-pseudo-labels";

    /// <summary>Runs the stage on parallel CPU workers, each with its own dense CRF (<see cref="CrfLabelStage"/>).</summary>
    public static PerImageResult Run(PseudoLabelStageOptions options, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var walks = new CamFileInput(options.WalkDir, "--experiment_name", RandomWalkRunner.StageName, CamFile.RandomWalkName);
        var settings = new Dictionary<string, string>
        {
            ["threshold"] = options.Rule.Threshold.ToString("R", CultureInfo.InvariantCulture),
            ["crf_iteration"] = options.Rule.CrfIterations.ToString(CultureInfo.InvariantCulture),
        };
        return CrfLabelStage.Run(options, StageName, walks, "random_walk", settings,
            (file, image, crf) => PseudoLabels.Compute(file, image, options.Rule, crf), progress, cancel);
    }
}
