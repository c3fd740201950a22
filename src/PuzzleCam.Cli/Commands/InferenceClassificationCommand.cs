using System.CommandLine;
using PuzzleCam.Cams;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Commands;

internal static class InferenceClassificationCommand
{
    public static Command Create()
    {
        var defaults = new CamInferenceOptions();
        var seed = Flags.Int("seed", "accepted for the reference's command lines; inference draws nothing at random", defaults.Seed, 0);
        var dataDir = Flags.Create("data_dir", "VOC root", () => defaults.DataDir);
        var architecture = Flags.Architecture("backbone of the trained classifier", defaults.Architecture);
        var mode = Flags.Choice("mode", "BatchNorm mode the classifier was built with", "normal", "normal", "fix");
        var tag = Flags.Create<string>("tag", "the classifier's experiment name (experiments/models/TAG.pth)", required: true);
        var domain = Flags.Create("domain", "split to infer (the reference's README uses train_aug)", () => defaults.Domain);
        var scales = Flags.Create("scales", "comma-separated image scales, each with its horizontal flip", () => "0.5,1.0,1.5,2.0");
        var gpus = Flags.Create<string?>("gpus", "CUDA device index (the first is used); default: CUDA device 0 if any, else the CPU");
        var checkpoint = Flags.Create<string?>("checkpoint", "the classifier's weights (default: experiments/models/TAG.pth)");
        var experimentsDir = Flags.Create("experiments_dir", "root of the experiment outputs", () => defaults.ExperimentsDir);
        var command = new Command("inference-classification", "Stage 2: multi-scale, flipped CAMs of every image of a split, one .npz per image (keys, cam, hr_cam); resumable.")
        {
            seed, dataDir, architecture, mode, tag, domain, scales, gpus, checkpoint, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new CamInferenceOptions
            {
                Seed = r.GetValue(seed),
                DataDir = r.GetValue(dataDir)!,
                Architecture = r.GetValue(architecture)!,
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                Tag = r.GetValue(tag)!,
                Domain = r.GetValue(domain)!,
                Scales = CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                ExperimentsDir = r.GetValue(experimentsDir)!,
                Gpus = r.GetValue(gpus),
                Checkpoint = r.GetValue(checkpoint),
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            int count = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain)).Count;
            var result = CamInferenceRunner.Run(options, new ConsoleProgress("inference-classification", count), cancel);
            r.InvocationConfiguration.Output.WriteLine(result);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
