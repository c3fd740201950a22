using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
using PuzzleCam.RandomWalk;
using PuzzleCam.Segmentation;
using PuzzleCam.Training;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The whole reproduction as one driver: each stage is a runner with typed options and result, and this chains them,
/// each behind its switch in <see cref="ReproduceOptions.Stages"/>, resuming from what earlier runs left on disk
/// (a finished classifier is not trained again, finished CAM files are not recomputed).
/// </summary>
public static class Reproduction
{
    public static ReproduceResult Run(ReproduceOptions options, IPipelineReporter reporter, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SyntheticSummary? dataset = null;
        VocScanReport? train = null, eval = null;
        if (options.Stages.HasFlag(PipelineStages.Data))
        {
            reporter.Stage("data");
            if (options.Synthetic is { } synthetic)
            {
                dataset = SyntheticVocDataset.Ensure(options.DataDir, synthetic, reporter.Progress("make-synthetic"), cancel);
                reporter.Info(dataset?.ToString()
                    ?? $"synthetic dataset in {Path.GetFullPath(options.DataDir)} is complete (seed {synthetic.Seed}, {synthetic.Train}+{synthetic.Val} images of {synthetic.Size} px); reusing it");
            }
            train = Scan(options, options.Classifier.Domain, reporter, cancel);
            eval = Scan(options, options.EvalDomain, reporter, cancel);
        }
        var plan = PipelinePlan.For(options);
        // The baseline's CAMs are only scored; the Puzzle-CAM CAMs also feed stages 3-7, on their own split.
        var baseline = RunClassifier(options, plan.Baseline, "baseline", options.EvalDomain, reporter, cancel);
        var puzzle = RunClassifier(options, plan.Puzzle, "Puzzle-CAM", options.CamDomain, reporter, cancel);
        var refinement = Refine(options, plan, reporter, cancel);
        var segmentation = Segment(options, plan, reporter, cancel);
        var result = new ReproduceResult(dataset, train, eval, baseline, puzzle, refinement, segmentation);
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
    /// Stages 1 and 2 of one classifier (its CAMs of <paramref name="camDomain"/>, which holds the evaluation split) and
    /// its CAM score on the evaluation split, each behind its switch; the loss ablation runs its settings through this too.
    /// </summary>
    internal static ClassifierRun? RunClassifier(ReproduceOptions options, ClassifierTrainingOptions training, string name, string camDomain,
        IPipelineReporter reporter, CancellationToken cancel)
    {
        var stages = options.Stages;
        if ((stages & (PipelineStages.Classification | PipelineStages.Cams | PipelineStages.EvaluateCams)) == 0) return null;
        ClassifierTrainingResult? trained = null;
        if (stages.HasFlag(PipelineStages.Classification))
        {
            reporter.Stage($"stage 1: train the {name} classifier ({training.Tag})");
            // A finished run returns at once from its resume state, an interrupted one goes on where it stopped.
            trained = ClassifierTrainer.Run(training, echo: reporter.Info, cancel: cancel);
        }

        CamInferenceResult? cams = null;
        var camOptions = PipelinePlan.CamsOf(options, training, camDomain);
        if (stages.HasFlag(PipelineStages.Cams))
        {
            reporter.Stage($"stage 2: multi-scale CAMs of {camDomain} from the {name} classifier");
            cams = CamInferenceRunner.Run(camOptions, reporter.Progress("inference-classification"), cancel);
            reporter.Info(cams.ToString());
        }

        EvaluationReport? score = null;
        if (stages.HasFlag(PipelineStages.EvaluateCams))
        {
            reporter.Stage($"evaluate the {name} CAMs");
            score = Evaluate(options, options.EvalDomain, camOptions.PredictionDir, EvaluationMode.Scores, reporter, cancel);
        }
        return new ClassifierRun(name, trained, cams, score);
    }

    /// <summary>Stages 3-6 on the Puzzle-CAM classifier's CAMs, each scored on the evaluation split.</summary>
    private static RefinementRun? Refine(ReproduceOptions options, PipelinePlan plan, IPipelineReporter reporter, CancellationToken cancel)
    {
        var stages = options.Stages;
        const PipelineStages Refinement = PipelineStages.AffinityLabels | PipelineStages.AffinityNet | PipelineStages.RandomWalk | PipelineStages.PseudoLabels;
        if ((stages & Refinement) == 0) return null;
        var (labels, affinity, walk, pseudo) = (plan.AffinityLabels, plan.AffinityNet, plan.RandomWalk, plan.PseudoLabels);

        PerImageResult? labelled = null, walked = null, pseudoLabelled = null;
        AffinityNetTrainingResult? trained = null;
        EvaluationReport? walkScore = null, pseudoScore = null;
        if (stages.HasFlag(PipelineStages.AffinityLabels))
        {
            reporter.Stage($"stage 3: affinity labels of the Puzzle-CAM CAMs ({labels.OutputName})");
            labelled = AffinityLabelRunner.Run(labels, reporter.Progress("make-affinity-labels"), cancel);
            reporter.Info(labelled.ToString());
        }
        if (stages.HasFlag(PipelineStages.AffinityNet))
        {
            reporter.Stage($"stage 4: train AffinityNet ({affinity.Tag})");
            trained = AffinityNetTrainer.Run(affinity, echo: reporter.Info, cancel: cancel);
        }
        if (stages.HasFlag(PipelineStages.RandomWalk))
        {
            reporter.Stage($"stage 5: random walk ({walk.ExperimentName})");
            walked = RandomWalkRunner.Run(walk, reporter.Progress("inference-rw"), cancel);
            reporter.Info(walked.ToString());
            walkScore = Evaluate(options, options.EvalDomain, walk.OutputDir, EvaluationMode.RandomWalk, reporter, cancel);
        }
        if (stages.HasFlag(PipelineStages.PseudoLabels))
        {
            if (options.PseudoLabelsAtWalkThreshold)
            {
                walkScore ??= Evaluate(options, options.EvalDomain, walk.OutputDir, EvaluationMode.RandomWalk, reporter, cancel);
                if (walkScore.Threshold is { } best) pseudo = pseudo with { Rule = pseudo.Rule with { Threshold = best } };
            }
            reporter.Stage(FormattableString.Invariant($"stage 6: pseudo labels ({pseudo.OutputName}, threshold {pseudo.Rule.Threshold:F2}, {pseudo.Rule.CrfIterations} CRF iterations)"));
            pseudoLabelled = PseudoLabelRunner.Run(pseudo, reporter.Progress("make-pseudo-labels"), cancel);
            reporter.Info(pseudoLabelled.ToString());
            pseudoScore = Evaluate(options, options.EvalDomain, pseudo.OutputDir, EvaluationMode.Png, reporter, cancel);
        }
        return new RefinementRun(labelled, trained, walked, walkScore, pseudoLabelled, pseudoScore);
    }

    /// <summary>
    /// The comparison on the validation split: the Puzzle-CAM CAMs, then stage 7 on the pseudo labels and stage 8
    /// without and with the CRF, each scored.
    /// </summary>
    private static SegmentationRun? Segment(ReproduceOptions options, PipelinePlan plan, IPipelineReporter reporter, CancellationToken cancel)
    {
        var stages = options.Stages;
        if ((stages & (PipelineStages.ValCams | PipelineStages.Segmentation | PipelineStages.SegmentationInference)) == 0) return null;
        EvaluationReport? camScore = null, plainScore = null, crfScore = null;
        SegmentationTrainingResult? trained = null;
        SegmentationInferenceResult? plain = null, withCrf = null;
        string? figure = null;
        if (stages.HasFlag(PipelineStages.ValCams))
        {
            var cams = plan.ValCams;
            reporter.Stage($"stage 2 on {options.ValDomain}: CAMs of the Puzzle-CAM classifier, to compare with DeepLabv3+");
            reporter.Info(CamInferenceRunner.Run(cams, reporter.Progress("inference-classification"), cancel).ToString());
            camScore = Evaluate(options, options.ValDomain, cams.PredictionDir, EvaluationMode.Scores, reporter, cancel);
        }
        var seg = plan.Segmentation;
        if (stages.HasFlag(PipelineStages.Segmentation))
        {
            reporter.Stage($"stage 7: train DeepLabv3+ on the pseudo labels ({seg.Tag}, model kept by {seg.Selection.Name()} on {seg.EvalDomain})");
            trained = SegmentationTrainer.Run(seg, echo: reporter.Info, cancel: cancel);
        }
        if (stages.HasFlag(PipelineStages.SegmentationInference))
        {
            (plain, plainScore) = Infer(plan.Segment);
            (withCrf, crfScore) = Infer(plan.SegmentWithCrf);
            figure = new ExperimentLayout(seg.ExperimentsDir).ResultsFigure;
            var ids = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.ValDomain)).Ids.Take(options.ResultsFigureImages).ToArray();
            ResultsFigure.Write(figure, options.DataDir, ids, withCrf.PredictionDir, $"DeepLabv3+ + CRF (t={options.SegmentationCrfIterations})");
            reporter.Info($"results figure ({ids.Length} {options.ValDomain} images, ground truth, DeepLabv3+ with the CRF): {figure}");
        }
        return new SegmentationRun(camScore, trained, plain, plainScore, withCrf, crfScore, figure);

        (SegmentationInferenceResult, EvaluationReport) Infer(SegmentationInferenceOptions inference)
        {
            reporter.Stage($"stage 8: segment {inference.Domain} ({inference.ExperimentName})");
            var done = SegmentationInferenceRunner.Run(inference, reporter.Progress("inference-segmentation"), cancel);
            reporter.Info(done.ToString());
            return (done, Evaluate(options, inference.Domain, done.PredictionDir, EvaluationMode.Png, reporter, cancel));
        }
    }

    /// <summary>Scores a prediction folder on <paramref name="split"/> and writes its report beside the predictions.</summary>
    private static EvaluationReport Evaluate(ReproduceOptions options, string split, string predictions, EvaluationMode mode, IPipelineReporter reporter, CancellationToken cancel)
    {
        var evaluation = new EvaluationOptions
        {
            PredictDir = predictions,
            GtDir = EvaluationOptions.GtDirFromDataDir(options.DataDir),
            Ids = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(split)).Ids,
            Mode = mode,
        };
        var score = new EvaluationRunner(evaluation).RunAndWrite(ExperimentLayout.Report(predictions), reporter.Progress("evaluate"), cancel);
        reporter.Info(score.ToString());
        return score;
    }

    private static VocScanReport Scan(ReproduceOptions options, string domain, IPipelineReporter reporter, CancellationToken cancel)
    {
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(domain));
        var report = dataset.Scan(options.SkipBad, reporter.Progress($"check {domain}"), cancel);
        reporter.Info($"{domain}: {report}");
        return report;
    }
}
