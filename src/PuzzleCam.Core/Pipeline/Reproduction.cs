using PuzzleCam.Affinity;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Evaluation;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The whole reproduction as one driver: <see cref="Steps"/> is the paper's pipeline in the order it runs, and
/// <see cref="Run"/> runs each step whose switch is in <see cref="ReproduceOptions.Stages"/>, resuming from what earlier
/// runs left on disk (a finished classifier is not trained again, finished CAM files are not recomputed).
/// </summary>
public static class Reproduction
{
    /// <summary>The name of the classifier trained without the puzzle module, in headings and results.</summary>
    public const string Baseline = "baseline";

    /// <summary>The name of the classifier trained with it.</summary>
    public const string PuzzleCam = "Puzzle-CAM";

    /// <summary>
    /// The pipeline, step after step. The baseline's CAMs are only scored; the Puzzle-CAM CAMs are scored and refined
    /// into pseudo labels (stages 3-6), on which DeepLabv3+ trains (stage 7) and segments the validation split
    /// (stage 8), beside the Puzzle-CAM CAMs of that split.
    /// </summary>
    public static IReadOnlyList<PipelineStep> Steps { get; } =
    [
        new(PipelineStages.Data, "data", null, PrepareData),
        .. ClassifierSteps(Baseline, r => r.Plan.Baseline, r => r.Plan.BaselineCams),
        .. ClassifierSteps(PuzzleCam, r => r.Plan.Puzzle, r => r.Plan.Cams),
        new(PipelineStages.AffinityLabels, "affinity_labels", 3, MakeAffinityLabels),
        new(PipelineStages.AffinityNet, "affinitynet", 4, TrainAffinityNet),
        new(PipelineStages.RandomWalk, "rw", 5, InferenceRw),
        new(PipelineStages.PseudoLabels, "pseudo_labels", 6, MakePseudoLabels),
        new(PipelineStages.ValCams, "val_cams", 2, ValCams),
        new(PipelineStages.Segmentation, "segmentation", 7, TrainSegmentation),
        new(PipelineStages.SegmentationInference, "inference_segmentation", 8, InferenceSegmentation),
    ];

    /// <summary>
    /// Stages 1 and 2 of the classifier named <paramref name="name"/> (its CAMs of the split of
    /// <paramref name="cams"/>, which holds the evaluation split) and its CAM score on the evaluation split; the loss
    /// ablation runs its settings through these too.
    /// </summary>
    public static IReadOnlyList<PipelineStep> ClassifierSteps(string name, Func<PipelineRun, ClassifierTrainingOptions> training,
        Func<PipelineRun, CamInferenceOptions> cams) =>
    [
        new(PipelineStages.Classification, "classification", 1, r => TrainClassification(r, name, training(r))),
        new(PipelineStages.Cams, "cams", 2, r => InferenceClassification(r, name, cams(r))),
        new(PipelineStages.EvaluateCams, "evaluate_cams", null, r => EvaluateCams(r, name, cams(r))),
    ];

    /// <summary>Runs the job's <see cref="Steps"/>, then prints and writes the table of what was scored.</summary>
    public static ReproduceResult Run(ReproduceOptions options, IPipelineReporter reporter, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = new PipelineRun(options, reporter, cancel);
        foreach (var step in Steps)
            if (run.Runs(step.Stage)) step.Run(run);

        var result = run.Result();
        if (result.CamComparison() is { Length: > 0 } table)
        {
            reporter.Stage("CAM mIoU: baseline vs Puzzle-CAM");
            reporter.Info(table);
        }
        var rows = result.Rows(options.EvalDomain, options.ValDomain);
        if (rows.Count > 0)
        {
            reporter.Stage($"the pipeline's mIoU");
            reporter.Info(ReproduceResult.Table(rows, withPaper: options.Synthetic is null));
            var path = new ExperimentLayout(options.Classifier.ExperimentsDir).ReproduceReport;
            // A rerun that recomputed nothing keeps the file, and with it the time of the run that made the table.
            if (ReproduceResult.ReadRows(path) is not { } earlier || !earlier.SequenceEqual(rows))
            {
                ReproduceResult.WriteRows(path, rows, clock.Elapsed.TotalSeconds);
                reporter.Info($"written to {path}");
            }
            else
            {
                reporter.Info($"{path} already holds this table");
            }
        }
        return result;
    }

    /// <summary>
    /// Scores the predictions in <paramref name="predictions"/> against the masks of <paramref name="split"/> and writes
    /// the report beside them, as every step scores what it made.
    /// </summary>
    public static EvaluationReport Score(string dataDir, string split, string predictions, EvaluationMode mode,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        var evaluation = new EvaluationOptions
        {
            PredictDir = predictions,
            GtDir = EvaluationOptions.GtDirFromDataDir(dataDir),
            Ids = VocDataset.Open(dataDir, ImageListSource.FromDomain(split)).Ids,
            Mode = mode,
        };
        return new EvaluationRunner(evaluation).RunAndWrite(ExperimentLayout.Report(predictions), progress, cancel);
    }

    private static void PrepareData(PipelineRun r)
    {
        r.Reporter.Stage("data");
        if (r.Options.Synthetic is { } synthetic)
        {
            r.Dataset = SyntheticVocDataset.Ensure(r.Options.DataDir, synthetic, r.Reporter.Progress("make-synthetic"), r.Cancel);
            r.Reporter.Info(r.Dataset?.ToString()
                ?? $"synthetic dataset in {Path.GetFullPath(r.Options.DataDir)} is complete (seed {synthetic.Seed}, {synthetic.Train}+{synthetic.Val} images of {synthetic.Size} px); reusing it");
        }
        r.Train = Scan(r, r.Options.Classifier.Domain);
        r.Eval = Scan(r, r.Options.EvalDomain);
    }

    private static void TrainClassification(PipelineRun r, string name, ClassifierTrainingOptions training)
    {
        r.Reporter.Stage($"stage 1: train the {name} classifier ({training.Tag})");
        // A finished run returns at once from its resume state, an interrupted one goes on where it stopped.
        var trained = Trainer.Run(training, echo: r.Reporter.Info, cancel: r.Cancel);
        r.Record(name, c => c with { Training = trained });
    }

    private static void InferenceClassification(PipelineRun r, string name, CamInferenceOptions cams)
    {
        r.Reporter.Stage($"stage 2: multi-scale CAMs of {cams.Domain} from the {name} classifier");
        var made = CamInferenceRunner.Run(cams, r.Reporter.Progress("inference-classification"), r.Cancel);
        r.Reporter.Info(made.ToString());
        r.Record(name, c => c with { Cams = made });
    }

    private static void EvaluateCams(PipelineRun r, string name, CamInferenceOptions cams)
    {
        r.Reporter.Stage($"evaluate the {name} CAMs");
        var score = Evaluate(r, r.Options.EvalDomain, cams.PredictionDir, EvaluationMode.Scores);
        r.Record(name, c => c with { CamScore = score });
    }

    private static void MakeAffinityLabels(PipelineRun r)
    {
        var labels = r.Plan.AffinityLabels;
        r.Reporter.Stage($"stage 3: affinity labels of the Puzzle-CAM CAMs ({labels.OutputName})");
        var made = AffinityLabelRunner.Run(labels, r.Reporter.Progress("make-affinity-labels"), r.Cancel);
        r.Reporter.Info(made.ToString());
        r.Refinement = (r.Refinement ?? new()) with { AffinityLabels = made };
    }

    private static void TrainAffinityNet(PipelineRun r)
    {
        var affinity = r.Plan.AffinityNet;
        r.Reporter.Stage($"stage 4: train AffinityNet ({affinity.Tag})");
        var trained = Trainer.Run(affinity, echo: r.Reporter.Info, cancel: r.Cancel);
        r.Refinement = (r.Refinement ?? new()) with { AffinityNet = trained };
    }

    private static void InferenceRw(PipelineRun r)
    {
        var walk = r.Plan.RandomWalk;
        r.Reporter.Stage($"stage 5: random walk ({walk.ExperimentName})");
        var walked = RandomWalkRunner.Run(walk, r.Reporter.Progress("inference-rw"), r.Cancel);
        r.Reporter.Info(walked.ToString());
        var score = Evaluate(r, r.Options.EvalDomain, walk.OutputDir, EvaluationMode.RandomWalk);
        r.Refinement = (r.Refinement ?? new()) with { RandomWalk = walked, RandomWalkScore = score };
    }

    private static void MakePseudoLabels(PipelineRun r)
    {
        if (r.Options.PseudoLabelsAtWalkThreshold)
        {
            // Without stage 5 in this run, the walk an earlier run made is scored here for its threshold.
            var walk = r.Refinement?.RandomWalkScore ?? Evaluate(r, r.Options.EvalDomain, r.Plan.RandomWalk.OutputDir, EvaluationMode.RandomWalk);
            r.Refinement = (r.Refinement ?? new()) with { RandomWalkScore = walk };
            r.Plan = r.Plan.AtWalkThreshold(walk);
        }
        var pseudo = r.Plan.PseudoLabels;
        r.Reporter.Stage(FormattableString.Invariant($"stage 6: pseudo labels ({pseudo.OutputName}, threshold {pseudo.Rule.Threshold:F2}, {pseudo.Rule.CrfIterations} CRF iterations)"));
        var made = PseudoLabelRunner.Run(pseudo, r.Reporter.Progress("make-pseudo-labels"), r.Cancel);
        r.Reporter.Info(made.ToString());
        var score = Evaluate(r, r.Options.EvalDomain, pseudo.OutputDir, EvaluationMode.Png);
        r.Refinement = (r.Refinement ?? new()) with { PseudoLabels = made, PseudoLabelScore = score };
    }

    private static void ValCams(PipelineRun r)
    {
        var cams = r.Plan.ValCams;
        r.Reporter.Stage($"stage 2 on {r.Options.ValDomain}: CAMs of the Puzzle-CAM classifier, to compare with DeepLabv3+");
        r.Reporter.Info(CamInferenceRunner.Run(cams, r.Reporter.Progress("inference-classification"), r.Cancel).ToString());
        var score = Evaluate(r, r.Options.ValDomain, cams.PredictionDir, EvaluationMode.Scores);
        r.Segmentation = (r.Segmentation ?? new()) with { CamScore = score };
    }

    private static void TrainSegmentation(PipelineRun r)
    {
        var seg = r.Plan.Segmentation;
        r.Reporter.Stage($"stage 7: train DeepLabv3+ on the pseudo labels ({seg.Tag}, model kept by {seg.Selection.Name()} on {seg.EvalDomain})");
        var trained = Trainer.Run(seg, echo: r.Reporter.Info, cancel: r.Cancel);
        r.Segmentation = (r.Segmentation ?? new()) with { Training = trained };
    }

    /// <summary>Stage 8 without and with the CRF, each scored, and the results figure of the predictions with it.</summary>
    private static void InferenceSegmentation(PipelineRun r)
    {
        var (plain, plainScore) = Segment(r, r.Plan.Segment);
        var (withCrf, crfScore) = Segment(r, r.Plan.SegmentWithCrf);
        var figure = new ExperimentLayout(r.Plan.Segmentation.ExperimentsDir).ResultsFigure;
        var options = r.Options;
        var ids = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.ValDomain)).Ids.Take(options.ResultsFigureImages).ToArray();
        ResultsFigure.Write(figure, options.DataDir, ids, withCrf.PredictionDir, $"DeepLabv3+ + CRF (t={options.SegmentationCrfIterations})");
        r.Reporter.Info($"results figure ({ids.Length} {options.ValDomain} images, ground truth, DeepLabv3+ with the CRF): {figure}");
        r.Segmentation = (r.Segmentation ?? new()) with
        {
            Predictions = plain, PredictionScore = plainScore, CrfPredictions = withCrf, CrfPredictionScore = crfScore, ResultsFigure = figure,
        };
    }

    private static (SegmentationInferenceResult, EvaluationReport) Segment(PipelineRun r, SegmentationInferenceOptions inference)
    {
        r.Reporter.Stage($"stage 8: segment {inference.Domain} ({inference.ExperimentName})");
        var done = SegmentationInferenceRunner.Run(inference, r.Reporter.Progress("inference-segmentation"), r.Cancel);
        r.Reporter.Info(done.ToString());
        return (done, Evaluate(r, inference.Domain, done.PredictionDir, EvaluationMode.Png));
    }

    private static EvaluationReport Evaluate(PipelineRun r, string split, string predictions, EvaluationMode mode)
    {
        var score = Score(r.Options.DataDir, split, predictions, mode, r.Reporter.Progress("evaluate"), r.Cancel);
        r.Reporter.Info(score.ToString());
        return score;
    }

    private static VocScanReport Scan(PipelineRun r, string domain)
    {
        var dataset = VocDataset.Open(r.Options.DataDir, ImageListSource.FromDomain(domain));
        var report = dataset.Scan(r.Options.SkipBad, r.Reporter.Progress($"check {domain}"), r.Cancel);
        r.Reporter.Info($"{domain}: {report}");
        return report;
    }
}
