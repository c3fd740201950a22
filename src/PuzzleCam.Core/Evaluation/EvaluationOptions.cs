namespace PuzzleCam.Evaluation;

/// <summary>What a prediction folder holds and how it is scored.</summary>
public enum EvaluationMode
{
    /// <summary><see cref="Scores"/> when the first image has an <c>.npz</c>, else <see cref="Png"/>.</summary>
    Auto,

    /// <summary>
    /// <c>{id}.npz</c> score maps (<c>hr_cam</c>, else <c>rw</c>): the sweep 0.05..0.75 when no threshold is given
    /// (the reference's <c>--mode npy</c>).
    /// </summary>
    Scores,

    /// <summary><c>{id}.png</c> label maps (palette or greyscale), scored as they are.</summary>
    Png,

    /// <summary>
    /// <c>{id}.npz</c> score maps with the random-walk sweep 0.05..<see cref="EvaluationOptions.MaxThreshold"/> and the
    /// over/under-activation thresholds (the reference's <c>--mode rw</c>).
    /// </summary>
    RandomWalk,
}

/// <summary>Options of <c>puzzlecam evaluate</c> (the reference's evaluate.py), with its defaults.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The reference's <c>--domain</c>: train, the split whose pseudo masks are made and which has masks.</summary>
    public const string DefaultDomain = "train";

    /// <summary>Folder of predictions: <c>{id}.npz</c> score maps or <c>{id}.png</c> label maps (<c>--predict_dir</c>).</summary>
    public required string PredictDir { get; init; }

    /// <summary>Folder of ground-truth label PNGs <c>{id}.png</c>, values 0..20 and 255 = ignore (<c>--gt_dir</c>).</summary>
    public required string GtDir { get; init; }

    /// <summary>The image ids to score, in list order (<c>--domain</c> / <c>--list</c>).</summary>
    public required IReadOnlyList<string> Ids { get; init; }

    /// <summary><c>--mode</c>: auto (default), npz (alias npy), png or rw.</summary>
    public EvaluationMode Mode { get; init; } = EvaluationMode.Auto;

    /// <summary>
    /// <c>--threshold</c>: a fixed background threshold for score maps (one evaluation, no sweep). None (the
    /// default) sweeps. Meaningless for label maps, so it is refused in png mode.
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary><c>--max_th</c>: the exclusive upper end of the rw-mode sweep (reference default 0.50).</summary>
    public double MaxThreshold { get; init; } = 0.5;

    /// <summary>
    /// Scores only ids 0, 8, 16, ... of the list, as the reference's evaluate.py does by accident (it starts one
    /// worker with step 8). Off by default: our numbers cover the whole list. Turn it on only to compare with numbers
    /// the reference script printed.
    /// </summary>
    public bool EveryEighth { get; init; }

    /// <summary>How many images are read and scored at once.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The ids this run scores: all of <see cref="Ids"/>, or every eighth with <see cref="EveryEighth"/>.</summary>
    public IReadOnlyList<string> SelectedIds() => EveryEighth ? Ids.Where((_, i) => i % 8 == 0).ToList() : Ids;

    /// <summary>Throws <see cref="BadInputException"/> naming the offending flag.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(PredictDir)) throw new BadInputException("--predict_dir (or --experiment_name) is required");
        if (string.IsNullOrWhiteSpace(GtDir)) throw new BadInputException("--gt_dir (or --data_dir) is required");
        if (Ids.Count == 0) throw new BadInputException("the image list (--domain / --list) is empty");
        // Score maps are normalised to [0, 1], so a threshold outside scores every pixel alike and the mIoU means nothing.
        if (Threshold is { } th && !(th >= 0 && th <= 1)) throw new BadInputException(FormattableString.Invariant($"--threshold must be in [0, 1], got {th}"));
        if (Threshold is not null && Mode == EvaluationMode.Png) throw new BadInputException("--threshold applies to score maps (npz); png predictions are label maps already");
        if (!(MaxThreshold > 0.05 && MaxThreshold <= 1)) throw new BadInputException(FormattableString.Invariant($"--max_th must be in (0.05, 1] (0.05 is the first threshold of the rw sweep), got {MaxThreshold}"));
        if (MaxDegreeOfParallelism < 1) throw new ArgumentException($"parallelism must be at least 1, got {MaxDegreeOfParallelism}");
    }

    /// <summary>Parses <c>--mode</c>: auto, npz (or the reference's npy), png, rw.</summary>
    public static EvaluationMode ParseMode(string mode) => mode.Trim().ToLowerInvariant() switch
    {
        "auto" => EvaluationMode.Auto,
        "npz" or "npy" => EvaluationMode.Scores,
        "png" => EvaluationMode.Png,
        "rw" => EvaluationMode.RandomWalk,
        _ => throw new BadInputException($"--mode must be auto, npz (npy), png or rw, got '{mode}'"),
    };

    /// <summary>The name <see cref="ParseMode"/> accepts for a mode.</summary>
    public static string ModeName(EvaluationMode mode) => mode switch
    {
        EvaluationMode.Auto => "auto",
        EvaluationMode.Scores => "npz",
        EvaluationMode.Png => "png",
        EvaluationMode.RandomWalk => "rw",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>
    /// The ground-truth folder for <c>--data_dir</c>: <c>{dir}/SegmentationClass</c> when the VOC root is given, or
    /// the folder itself when it already is the mask folder (the reference README passes <c>.../SegmentationClass</c>).
    /// </summary>
    public static string GtDirFromDataDir(string dataDir)
    {
        var masks = Path.Combine(dataDir, "SegmentationClass");
        return Directory.Exists(masks) ? masks : dataDir;
    }
}
