using PuzzleCam.Classification;

namespace PuzzleCam.Pipeline;

/// <summary>One row of the loss ablation: the main job's classifier with only its loss terms changed.</summary>
/// <param name="Name">The row's name: the loss words joined by '+' (cls, cls+pcl, cls+re, cls+pcl+re), and for a Puzzle-CAM variant the option it changes.</param>
/// <param name="TagSuffix">What follows the seed's tag prefix; <c>baseline</c> and <c>puzzle</c> are the main job's own classifiers.</param>
/// <param name="Puzzle">Train with the puzzle module; false is the baseline script, whose only loss is the classification loss.</param>
/// <param name="Losses">
/// The loss terms. The baseline keeps the main job's, which it does not use, so that its options are the main job's to
/// the letter and its finished run is found rather than trained again.
/// </param>
public sealed record AblationSetting(string Name, string TagSuffix, bool Puzzle, PuzzleLossOptions Losses)
{
    /// <summary>Stage 1 of this setting in <paramref name="job"/>: the main job's classifier, tagged in its scheme.</summary>
    public ClassifierTrainingOptions Classifier(ReproduceOptions job) =>
        job.Classifier with { DataDir = job.DataDir, Puzzle = Puzzle, Losses = Losses, Tag = $"{job.TagPrefix}-{TagSuffix}" };
}

/// <summary>
/// The paper's loss ablation (its Table 1) in miniature: the main job's classifier trained with the classification
/// loss alone (cls, the baseline), with the puzzle classification loss (cls+pcl), with the reconstruction loss
/// (cls+re) and with both (cls+pcl+re, Puzzle-CAM), for each seed; each one's CAMs inferred and scored as the main job
/// scores its own. The cls and cls+pcl+re runs are the main job's baseline and Puzzle-CAM classifiers, so whatever
/// <c>puzzlecam reproduce</c> trained for a seed is reused.
/// </summary>
public sealed record AblationOptions
{
    /// <summary>
    /// The main job (<c>puzzlecam reproduce</c>'s options) whose classifier, CAM scales and splits every row shares;
    /// its <see cref="ReproduceOptions.TagPrefix"/> and classifier seed are set per seed by <see cref="JobFor"/>.
    /// </summary>
    public ReproduceOptions Job { get; init; } = ReproduceOptions.ForSynthetic();

    /// <summary>The name the main job's tags start with before the seed: <c>{preset}-{architecture}</c>.</summary>
    public string Run { get; init; } = "synthetic-resnet18";

    /// <summary><c>--seeds</c>: the training seeds, one column of the table each.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1];

    /// <summary><c>--re_loss</c>: a distance other than the main job's adds a row of Puzzle-CAM trained with it.</summary>
    public ReconstructionDistance? Distance { get; init; }

    /// <summary><c>--re_loss_option</c>: a selection other than the main job's adds a row of Puzzle-CAM trained with it.</summary>
    public ReconstructionSelection? Selection { get; init; }

    /// <summary><c>--alpha_schedule</c>: a schedule other than the main job's adds a row of Puzzle-CAM trained with it.</summary>
    public double? AlphaSchedule { get; init; }

    /// <summary>
    /// <c>--alpha</c>: a largest reconstruction weight other than the main job's adds the two rows that weigh the
    /// reconstruction loss, cls+re and cls+pcl+re, trained with it.
    /// </summary>
    public double? Alpha { get; init; }

    /// <summary>
    /// <c>--level</c>: a level other than the main job's adds the three rows of Puzzle-CAM's terms, cls+pcl, cls+re and
    /// cls+pcl+re, with the losses computed at that level (the level changes what the puzzle classification loss pools too).
    /// </summary>
    public LossLevel? Level { get; init; }

    /// <summary>The largest <c>--alpha</c>: the paper tried up to 4; a weight of hundreds only flattens the maps.</summary>
    public const double MaxAlpha = 100;

    /// <summary>What is wrong with <paramref name="alpha"/> as <c>--alpha</c> (not in (0, <see cref="MaxAlpha"/>]), or null.</summary>
    public static string? AlphaProblem(double alpha) =>
        alpha > 0 && alpha <= MaxAlpha ? null : FormattableString.Invariant($"--alpha must be in (0, {MaxAlpha}], got {alpha}");

    /// <summary>The main job of <paramref name="seed"/>, whose tags are those <c>puzzlecam reproduce --seed</c> gives.</summary>
    public ReproduceOptions JobFor(int seed) => Job with
    {
        TagPrefix = ReproduceOptions.SeedTagPrefix(Run, seed),
        Classifier = Job.Classifier with { Seed = seed },
    };

    /// <summary>The rows of the table: Table 1's four settings, then one Puzzle-CAM variant for each option given that differs from the main job's.</summary>
    public IReadOnlyList<AblationSetting> Settings()
    {
        // Puzzle-CAM is the main job's own loss options, untouched, so that its finished run is the one found.
        var puzzle = Job.Classifier.Losses;
        var settings = new List<AblationSetting>
        {
            new("cls", "baseline", false, puzzle),
            new("cls+pcl", "cls_pcl", true, PuzzleLossOptions.WithLossOption(puzzle, "cl_pcl")),
            new("cls+re", "cls_re", true, PuzzleLossOptions.WithLossOption(puzzle, "cl_re")),
            new("cls+pcl+re", "puzzle", true, puzzle),
        };
        if (Distance is { } distance && distance != puzzle.Distance)
            settings.Add(Variant("re_loss", PuzzleLossWords.Of(distance), puzzle with { Distance = distance }));
        if (Selection is { } selection && selection != puzzle.Selection)
            settings.Add(Variant("re_loss_option", PuzzleLossWords.Of(selection), puzzle with { Selection = selection }));
        if (AlphaSchedule is { } schedule && schedule != puzzle.AlphaSchedule)
            settings.Add(Variant("alpha_schedule", schedule.ToString("R", CultureInfo.InvariantCulture), puzzle with { AlphaSchedule = schedule }));
        if (Alpha is { } alpha && alpha != puzzle.Alpha)
        {
            var text = alpha.ToString("R", CultureInfo.InvariantCulture);
            settings.Add(new($"cls+re, alpha {text}", $"cls_re-alpha={text}", true, PuzzleLossOptions.WithLossOption(puzzle with { Alpha = alpha }, "cl_re")));
            settings.Add(Variant("alpha", text, puzzle with { Alpha = alpha }));
        }
        if (Level is { } level && level != puzzle.Level)
        {
            var word = PuzzleLossWords.Of(level);
            var atLevel = puzzle with { Level = level };
            settings.Add(new($"cls+pcl, level {word}", $"cls_pcl-level={word}", true, PuzzleLossOptions.WithLossOption(atLevel, "cl_pcl")));
            settings.Add(new($"cls+re, level {word}", $"cls_re-level={word}", true, PuzzleLossOptions.WithLossOption(atLevel, "cl_re")));
            settings.Add(Variant("level", word, atLevel));
        }
        return settings;

        static AblationSetting Variant(string flag, string value, PuzzleLossOptions losses) =>
            new($"cls+pcl+re, {flag} {value}", $"puzzle-{flag}={value}", true, losses);
    }

    /// <summary>Throws <see cref="BadInputException"/> naming the flag when the ablation cannot run.</summary>
    public void Validate()
    {
        if (Seeds.Count == 0) throw new BadInputException("--seeds is empty");
        foreach (var seed in Seeds)
            if (seed < 0) throw new BadInputException($"--seeds: {seed} is not a seed (seeds are at least 0)");
        if (Seeds.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1) is { } twice) throw new BadInputException($"--seeds lists {twice.Key} more than once");
        if (AlphaSchedule is { } schedule && !(schedule >= 0 && schedule <= 1))
            throw new BadInputException(FormattableString.Invariant($"--alpha_schedule must be in [0, 1], got {schedule}"));
        if (Alpha is { } alpha && AlphaProblem(alpha) is { } problem) throw new BadInputException(problem);
        if (string.IsNullOrWhiteSpace(Run) || Run.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new BadInputException($"--preset and --architecture give '{Run}', which cannot start a file name");
        Job.Validate();
    }

    /// <summary>The seeds of <c>--seeds</c>, comma-separated.</summary>
    public static IReadOnlyList<int> ParseSeeds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var seeds = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out seeds[i]))
                throw new BadInputException($"--seeds '{text}': '{parts[i]}' is not a whole number");
        return seeds;
    }
}
