using System.Globalization;
using System.Text;
using System.Text.Json;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.IO;
using PuzzleCam.Training;

namespace PuzzleCam.Pipeline;

/// <summary>Where the driver reports: stage headings, messages, and a progress sink for long loops.</summary>
public interface IPipelineReporter
{
    void Stage(string name);
    void Info(string message);
    IProgress<int> Progress(string label, int total);
}

/// <summary>One classifier's way through stages 1 and 2 and its CAM score.</summary>
public sealed record ClassifierRun(string Name, ClassifierTrainingResult? Training, CamInferenceResult? Cams, EvaluationReport? CamScore);

/// <summary>What one run of the driver produced, stage by stage (null where a stage did not run).</summary>
public sealed record ReproduceResult(SyntheticSummary? Dataset, VocScanReport? Train, VocScanReport? Eval, ClassifierRun? Baseline, ClassifierRun? Puzzle)
{
    /// <summary>The CAM mIoU of the baseline and of Puzzle-CAM side by side, per class and overall.</summary>
    public string CamComparison()
    {
        if (Baseline?.CamScore is not { } b || Puzzle?.CamScore is not { } p) return "";
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{"CAM IoU (%)",-14} {"baseline",9} {"Puzzle-CAM",11}");
        foreach (var name in VocClasses.LabelNames)
            sb.AppendLine(c, $"{name,-14} {b.PerClass[name],9:F2} {p.PerClass[name],11:F2}");
        sb.AppendLine(c, $"{"mIoU",-14} {b.Miou,9:F2} {p.Miou,11:F2}");
        sb.Append(c, $"{"threshold",-14} {b.Threshold,9:F2} {p.Threshold,11:F2}");
        return sb.ToString();
    }
}

/// <summary>
/// The whole reproduction as one driver: each stage is a runner with typed options and result, and this chains them,
/// each behind its switch in <see cref="ReproduceOptions.Stages"/>, resuming from what earlier runs left on disk
/// (a finished classifier is not trained again, finished CAM files are not recomputed).
/// </summary>
public static class Reproduction
{
    /// <summary>The record of the options a synthetic dataset was made with; written last, so its presence means complete.</summary>
    public const string SyntheticManifest = "puzzlecam-synthetic.json";

    public static ReproduceResult Run(ReproduceOptions options, IPipelineReporter reporter, CancellationToken cancel = default)
    {
        SyntheticSummary? dataset = null;
        VocScanReport? train = null, eval = null;
        if (options.Stages.HasFlag(PipelineStages.Data))
        {
            reporter.Stage("data");
            if (options.Synthetic is { } synthetic) dataset = EnsureSynthetic(options.DataDir, synthetic, reporter, cancel);
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
            int count = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.CamDomain)).Count;
            cams = CamInferenceRunner.Run(camOptions, reporter.Progress("inference-classification", count), cancel);
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
            score = new EvaluationRunner(evaluation).RunAndWrite(Path.Combine(camOptions.PredictionDir, "report.json"), reporter.Progress("evaluate", ids.Count), cancel);
            reporter.Info(score.ToString());
        }
        return new ClassifierRun(name, trained, cams, score);
    }

    /// <summary>Generates the dataset unless a complete one made with the same options is already there.</summary>
    public static SyntheticSummary? EnsureSynthetic(string dataDir, SyntheticOptions options, IPipelineReporter reporter, CancellationToken cancel)
    {
        var manifest = Path.Combine(dataDir, SyntheticManifest);
        if (File.Exists(manifest) && JsonSerializer.Deserialize<SyntheticOptions>(File.ReadAllText(manifest)) == options)
        {
            reporter.Info($"synthetic dataset in {Path.GetFullPath(dataDir)} is complete (seed {options.Seed}, {options.Train}+{options.Val} images of {options.Size} px); reusing it");
            return null;
        }
        if (File.Exists(manifest))
        {
            reporter.Info($"{manifest} records other options; regenerating the dataset");
            File.Delete(manifest);
        }
        var summary = SyntheticVocDataset.Generate(dataDir, options, reporter.Progress("make-synthetic", options.Train + options.Val), cancel);
        AtomicFile.WriteAllText(manifest, JsonSerializer.Serialize(options));
        reporter.Info(summary.ToString());
        return summary;
    }

    private static VocScanReport Scan(ReproduceOptions options, string domain, IPipelineReporter reporter, CancellationToken cancel)
    {
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(domain));
        var report = dataset.Scan(options.SkipBad, reporter.Progress($"check {domain}", dataset.Count), cancel);
        reporter.Info($"{domain}: {report}");
        return report;
    }
}
