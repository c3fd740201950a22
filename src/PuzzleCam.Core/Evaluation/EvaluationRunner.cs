namespace PuzzleCam.Evaluation;

/// <summary>
/// Stage 9, evaluate.py: scores a folder of predictions against ground-truth masks over an image list. Score maps are
/// swept over background thresholds (or cut at a given one); label maps are scored as they are. Images are read and
/// scored in parallel.
/// </summary>
public sealed class EvaluationRunner(EvaluationOptions options)
{
    public EvaluationOptions Options { get; } = options;

    /// <summary>Runs the evaluation; <paramref name="progress"/> receives the number of images done.</summary>
    public EvaluationReport Run(IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        Options.Validate();
        if (!Directory.Exists(Options.PredictDir)) throw new DirectoryNotFoundException($"{Options.PredictDir}: prediction folder not found (--predict_dir)");
        if (!Directory.Exists(Options.GtDir)) throw new DirectoryNotFoundException($"{Options.GtDir}: ground-truth folder not found (--gt_dir)");
        var ids = Options.SelectedIds();
        var mode = ResolveMode(ids[0]);
        bool scoreMaps = mode != EvaluationMode.Png;
        CheckFilesExist(ids, scoreMaps ? ".npz" : ".png");

        string modeName = EvaluationOptions.ModeName(mode);
        if (!scoreMaps)
        {
            var counts = new PixelCounts();
            ForEachImage(ids, id => ScoreLabelMap(id, counts), progress, cancel);
            return EvaluationReport.From(counts, Options.PredictDir, Options.GtDir, modeName, ids.Count, Options.Ids.Count, Options.EveryEighth);
        }

        var sweep = Options.Threshold is { } fixedThreshold ? new ThresholdSweep([fixedThreshold])
            : mode == EvaluationMode.RandomWalk ? ThresholdSweep.ForRandomWalk(Options.MaxThreshold)
            : ThresholdSweep.ForCams();
        ForEachImage(ids, id => ScoreMaps(id, sweep, mode), progress, cancel);

        var results = sweep.Results();
        int bestIndex = ThresholdSweep.BestIndex(results);
        var best = results[bestIndex];
        bool swept = Options.Threshold is null;
        double? over = null, under = null;
        if (swept && mode == EvaluationMode.RandomWalk)
        {
            var (o, u) = ThresholdSweep.OverAndUnder(results);
            over = o.Threshold;
            under = u.Threshold;
        }
        return EvaluationReport.From(sweep.CountsAt(bestIndex), Options.PredictDir, Options.GtDir, modeName, ids.Count, Options.Ids.Count,
            Options.EveryEighth, best.Threshold, swept ? results : null, over, under);
    }

    /// <summary>Runs and writes the JSON report atomically to <paramref name="reportPath"/>.</summary>
    public EvaluationReport RunAndWrite(string reportPath, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        var report = Run(progress, cancel);
        report.Write(reportPath);
        return report;
    }

    public string PredictionPath(string id, string extension) => Path.Combine(Options.PredictDir, id + extension);

    public string GroundTruthPath(string id) => Path.Combine(Options.GtDir, id + ".png");

    private EvaluationMode ResolveMode(string firstId)
    {
        if (Options.Mode != EvaluationMode.Auto) return Options.Mode;
        // As the reference, score maps win when both kinds are present.
        if (File.Exists(PredictionPath(firstId, ".npz"))) return EvaluationMode.Scores;
        if (File.Exists(PredictionPath(firstId, ".png")))
        {
            if (Options.Threshold is not null)
                throw new BadInputException($"--threshold applies to score maps, but {Options.PredictDir} holds png label maps");
            return EvaluationMode.Png;
        }
        throw new FileNotFoundException($"{PredictionPath(firstId, ".npz")}: no prediction for '{firstId}' (neither .npz nor .png)", PredictionPath(firstId, ".npz"));
    }

    /// <summary>Finds missing inputs before any work, so a bad list fails at once and names the first missing file.</summary>
    private void CheckFilesExist(IReadOnlyList<string> ids, string extension)
    {
        ThrowIfMissing(ids.Select(id => PredictionPath(id, extension)).ToList(), "prediction");
        ThrowIfMissing(ids.Select(GroundTruthPath).ToList(), "ground-truth");
    }

    private static void ThrowIfMissing(IReadOnlyList<string> paths, string kind)
    {
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"{missing[0]}: {kind} file not found ({missing.Count} of {paths.Count} missing)", missing[0]);
    }

    private void ScoreLabelMap(string id, PixelCounts counts)
    {
        var predictionPath = PredictionPath(id, ".png");
        // A value outside 0..20 and 255 is no label: it would be scored as a wrong class without a word.
        var prediction = VocDataset.ReadLabelMap(predictionPath);
        var gt = ReadGroundTruth(id, predictionPath, prediction.Width, prediction.Height);
        counts.Add(prediction.Labels, gt.Labels);
    }

    private void ScoreMaps(string id, ThresholdSweep sweep, EvaluationMode mode)
    {
        var path = PredictionPath(id, ".npz");
        var file = CamFile.Read(path);
        // The random-walk sweep scores a walk; on a CAM it would report a CAM under the random walk's name.
        if (mode == EvaluationMode.RandomWalk && file.RandomWalk is null)
            throw new InvalidDataFileException(path, $"has no '{CamFile.RandomWalkName}' array, so --mode rw cannot score it (a CAM file is scored with --mode npz)");
        var maps = (mode == EvaluationMode.RandomWalk ? file.RandomWalk : file.ImageSizeMaps)
            ?? throw new InvalidDataFileException(path, $"has neither '{CamFile.HighResCamName}' nor '{CamFile.RandomWalkName}' (image-size maps) to evaluate");
        var gt = ReadGroundTruth(id, path, maps.Width, maps.Height);
        sweep.Add(maps, file.Keys, gt);
    }

    private LabelMap ReadGroundTruth(string id, string predictionPath, int width, int height)
    {
        var gtPath = GroundTruthPath(id);
        var gt = VocDataset.ReadLabelMap(gtPath);
        if (gt.Width != width || gt.Height != height)
            throw new InvalidDataFileException(predictionPath, $"prediction is {width}x{height} but the ground truth {gtPath} is {gt.Width}x{gt.Height}");
        return gt;
    }

    private void ForEachImage(IReadOnlyList<string> ids, Action<string> score, IProgress<StageProgress>? progress, CancellationToken cancel) =>
        PerImageStage.ForEach(ids, () => 0, (_, id) => score(id), Options.MaxDegreeOfParallelism, progress, cancel);
}
