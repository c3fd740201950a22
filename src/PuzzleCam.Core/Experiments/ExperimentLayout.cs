namespace PuzzleCam.Experiments;

/// <summary>
/// Where every stage reads and writes under one experiments root, with the reference's names: trained models in
/// <c>models/{tag}.pth</c>, the text log in <c>logs/{tag}.txt</c>, the JSON log in <c>data/{tag}.json</c>, per-image
/// outputs in <c>predictions/{name}/</c> (with an evaluation's <c>report.json</c> beside them), and this project's
/// additions: the resume files of a training run in <c>checkpoints/{tag}/</c>, the pipeline table in
/// <c>reproduce.json</c>, its results figure in <c>results.png</c> and the loss ablation's table in <c>ablation.json</c>.
/// </summary>
/// <param name="Root">The experiments folder; the reference writes <c>experiments</c> in the working directory.</param>
public sealed record ExperimentLayout(string Root)
{
    /// <summary>The reference's root, relative to the working directory.</summary>
    public const string DefaultRoot = "experiments";

    /// <summary>The file name of an evaluation report inside the folder it scores.</summary>
    public const string ReportFileName = "report.json";

    /// <summary>
    /// <paramref name="path"/> as the folder's records keep it: relative to <see cref="Root"/> (with '/' between names),
    /// so that an experiments folder copied or moved together with what it read still resumes; a path on another drive
    /// stays absolute.
    /// </summary>
    public string Portable(string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(Root), Path.GetFullPath(path));
        return Path.IsPathRooted(relative) ? relative : Path.TrimEndingDirectorySeparator(relative).Replace('\\', '/');
    }

    /// <summary>The trained weights of a stage-1, stage-4 or stage-7 run.</summary>
    public string Model(string tag) => Path.Combine(Root, "models", tag + ".pth");

    /// <summary>Every line a training run printed.</summary>
    public string TextLog(string tag) => Path.Combine(Root, "logs", tag + ".txt");

    /// <summary>A training run's logged values, <c>{"train": [...], "validation": [...]}</c>.</summary>
    public string DataLog(string tag) => Path.Combine(Root, "data", tag + ".json");

    /// <summary>The folder of a per-image stage's outputs (CAMs, labels, random-walk maps, predictions).</summary>
    public string Predictions(string experimentName) => Path.Combine(Root, "predictions", experimentName);

    /// <summary>The weights, optimizer state and iteration a training run resumes from.</summary>
    public string ResumeDir(string tag) => Path.Combine(Root, "checkpoints", tag);

    /// <summary>The whole pipeline's table of mIoUs, stage by stage.</summary>
    public string ReproduceReport => Path.Combine(Root, "reproduce.json");

    /// <summary>The main job's results figure: validation images, their ground truth and the segmentation network's prediction.</summary>
    public string ResultsFigure => Path.Combine(Root, "results.png");

    /// <summary>The loss ablation's table of CAM mIoUs, setting by setting and seed by seed.</summary>
    public string AblationReport => Path.Combine(Root, "ablation.json");

    /// <summary>The evaluation report of a prediction folder.</summary>
    public static string Report(string predictionDir) => Path.Combine(predictionDir, ReportFileName);
}
