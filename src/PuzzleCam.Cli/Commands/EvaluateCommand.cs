using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var experiment = Flags.Create<string?>("experiment_name", "prediction folder under experiments/predictions/");
        var predictDir = Flags.Create<string?>("predict_dir", "prediction folder (overrides --experiment_name)");
        var gtDir = Flags.Create<string?>("gt_dir", "ground-truth palette PNG folder (VOC SegmentationClass)");
        var dataDir = Flags.Create<string?>("data_dir", "VOC root (or its SegmentationClass folder, as the reference README passes it)");
        var domain = StageFlags.Domain(EvaluationOptions.DefaultDomain);
        var list = Flags.Create<string?>("list", "an id list file (overrides --domain)");
        var mode = Flags.Choice("mode", "what the folder holds; auto looks at the first id", "auto", "auto", "npz", "npy", "png", "rw");
        var threshold = Flags.OptionalDouble("threshold", "background threshold for score maps, in [0, 1] (default: sweep)", 0, 1);
        var maxTh = Flags.Double("max_th", "upper end of the rw sweep", 0.5, 0.05, 1.0);
        var report = Flags.Create<string?>("report", "where to write the JSON report (default: report.json in the prediction folder)");
        var everyEighth = Flags.Switch("every_eighth", "score only every 8th image as the reference's evaluate.py does, to compare with its printed numbers");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("evaluate", "mIoU of a prediction folder (.npz CAM / random-walk maps with a threshold sweep, or PNG label maps) against the ground truth.")
        {
            experiment, predictDir, gtDir, dataDir, domain, list, mode, threshold, maxTh, report, everyEighth, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var predictions = r.GetValue(predictDir)
                ?? (r.GetValue(experiment) is { } name ? new ExperimentLayout(r.GetValue(experimentsDir)!).Predictions(name)
                    : throw new BadInputException("give --predict_dir or --experiment_name"));
            // The folder is checked before the report path is derived from it, so a file given here is blamed on this flag.
            var folderFlag = r.GetValue(predictDir) is null ? "--experiment_name" : "--predict_dir";
            if (!Directory.Exists(predictions))
                throw new BadInputException(File.Exists(predictions)
                    ? $"{predictions}: {folderFlag} names a file; give the folder of predictions"
                    : $"{predictions}: prediction folder not found ({folderFlag})");
            var truth = r.GetValue(gtDir) ?? (r.GetValue(dataDir) is { } d ? EvaluationOptions.GtDirFromDataDir(d)
                : throw new BadInputException("give --gt_dir or --data_dir"));
            // The VOC root holds the split lists; the mask folder sits right under it.
            var root = r.GetValue(dataDir) is { } dd && Directory.Exists(Path.Combine(dd, "ImageSets")) ? dd : Path.GetDirectoryName(Path.GetFullPath(truth))!;
            var source = r.GetValue(list) is { } file ? ImageListSource.FromFile(file) : ImageListSource.FromDomain(r.GetValue(domain)!);
            var options = new EvaluationOptions
            {
                PredictDir = predictions,
                GtDir = truth,
                Ids = ImageList.Read(source.PathUnder(root)),
                Mode = EvaluationOptions.ParseMode(r.GetValue(mode)!),
                Threshold = r.GetValue(threshold),
                MaxThreshold = r.GetValue(maxTh),
                EveryEighth = r.GetValue(everyEighth),
            };
            var reportPath = r.GetValue(report) ?? ExperimentLayout.Report(predictions);
            OutputLocation.CheckFile(reportPath, "--report");
            var result = new EvaluationRunner(options).Run(new ConsoleProgress("evaluate"), cancel);
            // The scores are on the screen before the write that could still fail (disk full, permissions).
            r.InvocationConfiguration.Output.WriteLine(result);
            result.Write(reportPath);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
