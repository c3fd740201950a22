using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
using PuzzleCam.RandomWalk;
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
        var classifier = options.Classifier with { DataDir = options.DataDir };
        var baseline = RunClassifier(options, classifier with { Puzzle = false, Tag = options.TagPrefix + "-baseline" }, "baseline", reporter, cancel);
        var puzzle = RunClassifier(options, classifier with { Puzzle = true, Tag = options.TagPrefix + "-puzzle" }, "Puzzle-CAM", reporter, cancel);
        var refinement = Refine(options, classifier with { Puzzle = true, Tag = options.TagPrefix + "-puzzle" }, reporter, cancel);
        var result = new ReproduceResult(dataset, train, eval, baseline, puzzle, refinement);
        if (result.CamComparison() is { Length: > 0 } table)
        {
            reporter.Stage("CAM mIoU: baseline vs Puzzle-CAM");
            reporter.Info(table);
        }
        var rows = result.Rows(options.EvalDomain);
        if (rows.Count > 0)
        {
            reporter.Stage($"the pipeline's mIoU ({options.EvalDomain} split)");
            reporter.Info(ReproduceResult.Table(rows));
            var path = new ExperimentLayout(options.Classifier.ExperimentsDir).ReproduceReport;
            ReproduceResult.WriteRows(path, rows);
            reporter.Info($"written to {path}");
        }
        return result;
    }

    private static ClassifierRun? RunClassifier(ReproduceOptions options, ClassifierTrainingOptions training, string name, IPipelineReporter reporter, CancellationToken cancel)
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
        var camOptions = new CamInferenceOptions
        {
            DataDir = options.DataDir,
            Architecture = training.Architecture,
            Mode = training.Mode,
            Tag = training.Tag,
            Domain = options.CamDomain,
            Scales = options.Scales,
            ExperimentsDir = training.ExperimentsDir,
            Gpus = training.Gpus,
        };
        if (stages.HasFlag(PipelineStages.Cams))
        {
            reporter.Stage($"stage 2: multi-scale CAMs of {options.CamDomain} from the {name} classifier");
            cams = CamInferenceRunner.Run(camOptions, reporter.Progress("inference-classification"), cancel);
            reporter.Info(cams.ToString());
        }

        EvaluationReport? score = null;
        if (stages.HasFlag(PipelineStages.EvaluateCams))
        {
            reporter.Stage($"evaluate the {name} CAMs");
            score = Evaluate(options, camOptions.PredictionDir, EvaluationMode.Scores, reporter, cancel);
        }
        return new ClassifierRun(name, trained, cams, score);
    }

    /// <summary>Stages 3-6 on the Puzzle-CAM classifier's CAMs, each scored on the evaluation split.</summary>
    private static RefinementRun? Refine(ReproduceOptions options, ClassifierTrainingOptions puzzle, IPipelineReporter reporter, CancellationToken cancel)
    {
        var stages = options.Stages;
        const PipelineStages Refinement = PipelineStages.AffinityLabels | PipelineStages.AffinityNet | PipelineStages.RandomWalk | PipelineStages.PseudoLabels;
        if ((stages & Refinement) == 0) return null;
        var cams = new CamInferenceOptions
        {
            DataDir = options.DataDir, Architecture = puzzle.Architecture, Mode = puzzle.Mode, Tag = puzzle.Tag, Domain = options.CamDomain,
            Scales = options.Scales, ExperimentsDir = puzzle.ExperimentsDir,
        };
        var labels = new AffinityLabelStageOptions
        {
            ExperimentName = cams.ExperimentName, Domain = options.CamDomain, DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir,
            Thresholds = options.AffinityThresholds,
        };
        var affinity = options.AffinityNet with
        {
            Architecture = puzzle.Architecture, Tag = options.TagPrefix + "-affinitynet", LabelName = labels.OutputName, Domain = options.CamDomain,
            DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir, Seed = puzzle.Seed, Gpus = puzzle.Gpus,
            Pretrained = options.AffinityNet.Pretrained ?? puzzle.Pretrained,
        };
        // A dataset smaller than the preset's batch (a quick check on a handful of images) still trains, on one batch an epoch.
        int images = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.CamDomain)).Count;
        if (affinity.BatchSize > images) affinity = affinity with { BatchSize = images };
        var walk = new RandomWalkStageOptions
        {
            Architecture = affinity.Architecture, ModelName = affinity.Tag, CamDir = cams.ExperimentName, Domain = options.CamDomain,
            DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir, Walk = options.Walk, Gpus = puzzle.Gpus,
        };
        var pseudo = new PseudoLabelStageOptions
        {
            ExperimentName = walk.ExperimentName, Domain = options.CamDomain, DataDir = options.DataDir, ExperimentsDir = puzzle.ExperimentsDir,
            Labels = options.PseudoLabels,
        };

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
            walkScore = Evaluate(options, walk.OutputDir, EvaluationMode.RandomWalk, reporter, cancel);
        }
        if (stages.HasFlag(PipelineStages.PseudoLabels))
        {
            if (options.PseudoLabelsAtWalkThreshold)
            {
                walkScore ??= Evaluate(options, walk.OutputDir, EvaluationMode.RandomWalk, reporter, cancel);
                if (walkScore.Threshold is { } best) pseudo = pseudo with { Labels = pseudo.Labels with { Threshold = best } };
            }
            reporter.Stage(FormattableString.Invariant($"stage 6: pseudo labels ({pseudo.OutputName}, threshold {pseudo.Labels.Threshold:F2}, {pseudo.Labels.CrfIteration} CRF iterations)"));
            pseudoLabelled = PseudoLabelRunner.Run(pseudo, reporter.Progress("make-pseudo-labels"), cancel);
            reporter.Info(pseudoLabelled.ToString());
            pseudoScore = Evaluate(options, pseudo.OutputDir, EvaluationMode.Png, reporter, cancel);
        }
        return new RefinementRun(labelled, trained, walked, walkScore, pseudoLabelled, pseudoScore);
    }

    /// <summary>Scores a prediction folder on the evaluation split and writes its report beside the predictions.</summary>
    private static EvaluationReport Evaluate(ReproduceOptions options, string predictions, EvaluationMode mode, IPipelineReporter reporter, CancellationToken cancel)
    {
        var evaluation = new EvaluationOptions
        {
            PredictDir = predictions,
            GtDir = EvaluationOptions.GtDirFromDataDir(options.DataDir),
            Ids = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.EvalDomain)).Ids,
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
