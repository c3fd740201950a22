using System.Diagnostics;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The loss ablation as one driver: for each seed and each setting of <see cref="AblationOptions.Settings"/>, the steps
/// <see cref="Reproduction"/> runs for its own classifiers (<see cref="Reproduction.ClassifierSteps"/>: stage 1, stage 2
/// and the CAM score), resuming from what earlier runs left on disk (the main job's baseline and Puzzle-CAM classifiers
/// are two of the settings).
/// </summary>
public static class Ablation
{
    /// <summary>Runs every setting for every seed, then prints and writes the table of their CAM scores.</summary>
    public static AblationResult Run(AblationOptions options, IPipelineReporter reporter, CancellationToken cancel = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var settings = options.Settings();
        // The dataset is the same for every seed: made when missing and read through once.
        Reproduction.Run(options.JobFor(options.Seeds[0]) with { Stages = PipelineStages.Data }, reporter, cancel);

        var rows = new List<AblationRow>();
        var runs = new List<ClassifierRun>();
        foreach (var seed in options.Seeds)
        {
            var run = new PipelineRun(options.JobFor(seed), reporter, cancel);
            foreach (var setting in settings)
            {
                var classifier = setting.Classifier(run.Options);
                var cams = PipelinePlan.CamsOf(run.Options, classifier, run.Options.EvalDomain);
                // A row is all three steps, whichever stages the main job names.
                foreach (var step in Reproduction.ClassifierSteps(setting.Name, _ => classifier, _ => cams))
                    step.Run(run);
                var made = run.Classifier(setting.Name)!;
                runs.Add(made);
                rows.Add(new AblationRow(setting.Name, seed, Math.Round(made.CamScore!.Miou, 2)));
            }
        }

        reporter.Stage("the loss ablation: CAM mIoU (%) on " + options.Job.EvalDomain);
        reporter.Info(AblationResult.Table(rows));
        var path = new ExperimentLayout(options.Job.Classifier.ExperimentsDir).AblationReport;
        // A rerun that recomputed nothing keeps the file, and with it the time of the run that made the table.
        if (AblationResult.ReadRows(path) is not { } earlier || !earlier.SequenceEqual(rows))
        {
            AblationResult.WriteRows(path, rows, clock.Elapsed.TotalSeconds);
            reporter.Info($"written to {path}");
        }
        else
        {
            reporter.Info($"{path} already holds this table");
        }
        return new AblationResult(rows, runs);
    }
}
