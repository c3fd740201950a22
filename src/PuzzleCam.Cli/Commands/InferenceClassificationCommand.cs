using System.CommandLine;
using PuzzleCam.Cams;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.IO;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Commands;

internal static class InferenceClassificationCommand
{
    public static Command Create()
    {
        var defaults = new CamInferenceOptions();
        var seed = StageFlags.UnusedSeed();
        var dataDir = StageFlags.DataDir();
        var architecture = Flags.Architecture("backbone of the trained classifier", defaults.Architecture);
        var mode = StageFlags.Mode(defaults.Mode, "BatchNorm mode the classifier was built with");
        var tag = Flags.Create<string>("tag", "the classifier's experiment name (experiments/models/TAG.pth)", required: true);
        var domain = StageFlags.Domain(defaults.Domain, "split to infer (the reference's README uses train_aug)");
        var scales = StageFlags.Scales();
        var maxSide = StageFlags.MaxSide("the CAMs");
        var gpus = StageFlags.Gpus();
        var checkpoint = Flags.Create<string?>("checkpoint", "the classifier's weights (default: experiments/models/TAG.pth)");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("inference-classification", "Stage 2: multi-scale, flipped CAMs of every image of a split, one .npz per image (keys, cam, hr_cam); resumable.")
        {
            seed, dataDir, architecture, mode, tag, domain, scales, maxSide, gpus, checkpoint, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new CamInferenceOptions
            {
                DataDir = r.GetValue(dataDir)!,
                Architecture = r.GetValue(architecture)!,
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                Tag = r.GetValue(tag)!,
                Domain = r.GetValue(domain)!,
                Scales = CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                MaxSide = r.GetValue(maxSide),
                ExperimentsDir = r.GetValue(experimentsDir)!,
                Gpus = r.GetValue(gpus),
                Checkpoint = r.GetValue(checkpoint),
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var result = CamInferenceRunner.Run(options, new ConsoleProgress("inference-classification"), cancel);
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(result);
            // As the reference's hint, train_aug becomes train: only train has masks.
            var evalDomain = options.Domain == "train_aug" ? "train" : options.Domain;
            output.WriteLine($"evaluate with: puzzlecam evaluate --experiment_name \"{options.ExperimentName}\" --domain {evalDomain} --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
