using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
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
            eval = Scan(options, options.CamDomain, reporter, cancel);
        }
        var classifier = options.Classifier with { DataDir = options.DataDir };
        var baseline = RunClassifier(options, classifier with { Puzzle = false, Tag = options.TagPrefix + "-baseline" }, "baseline", reporter, cancel);
        var puzzle = RunClassifier(options, classifier with { Puzzle = true, Tag = options.TagPrefix + "-puzzle" }, "Puzzle-CAM", reporter, cancel);
        var result = new ReproduceResult(dataset, train, eval, baseline, puzzle);
        if (result.CamComparison() is { Length: > 0 } table)
        {
            reporter.Stage("CAM mIoU: baseline vs Puzzle-CAM");
            reporter.Info(table);
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
            var ids = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.CamDomain)).Ids;
            var evaluation = new EvaluationOptions
            {
                PredictDir = camOptions.PredictionDir,
                GtDir = Path.Combine(options.DataDir, "SegmentationClass"),
                Ids = ids,
                Mode = EvaluationMode.Scores,
            };
            score = new EvaluationRunner(evaluation).RunAndWrite(ExperimentLayout.Report(camOptions.PredictionDir), reporter.Progress("evaluate"), cancel);
            reporter.Info(score.ToString());
        }
        return new ClassifierRun(name, trained, cams, score);
    }

    private static VocScanReport Scan(ReproduceOptions options, string domain, IPipelineReporter reporter, CancellationToken cancel)
    {
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(domain));
        var report = dataset.Scan(options.SkipBad, reporter.Progress($"check {domain}"), cancel);
        reporter.Info($"{domain}: {report}");
        return report;
    }
}
