using System.CommandLine;
using PuzzleCam.Cams;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>train-segmentation</c> (stage 7) and <c>inference-segmentation</c> (stage 8), with the reference's flags.</summary>
internal static class SegmentationCommands
{
    /// <summary>The reference's only segmentation network; its alternatives Seg_Model and CSeg_Model are not built.</summary>
    private const string Network = "DeepLabv3+";

    private static Option<string> Architecture() => Flags.Choice("architecture", "segmentation network", Network, Network);

    private static Option<string> Backbone(string defaultValue, string description) =>
        Flags.Choice("backbone", description, defaultValue, [.. Backbones.Architectures.Select(a => a.Name)]);

    private static Option<bool> UseGroupNorm(bool defaultValue, string description) => Flags.Create("use_gn", description, () => defaultValue);

    public static Command Train()
    {
        var d = new SegmentationTrainingOptions();
        var seed = Flags.Int("seed", "seed of the new layers' weights and of every augmentation", d.Seed, 0);
        var numWorkers = Flags.Int("num_workers", "threads decoding and augmenting training images", d.NumWorkers, 0, 64);
        var dataDir = StageFlags.DataDir();
        var domain = StageFlags.Domain(d.Domain, "training split");
        var evalDomain = Flags.Create("eval_domain", "split whose ground truth selects the model with --selection val_gt", () => d.EvalDomain);
        var architecture = Architecture();
        var backbone = Backbone(d.Backbone, "backbone (resnet18 brings its own ImageNet weights; the others take --pretrained)");
        var mode = StageFlags.Mode(d.Mode, "backbone BatchNorm: fix (frozen statistics) or normal (batch statistics)");
        var useGn = UseGroupNorm(d.UseGroupNorm, "GroupNorm(4) in the ASPP and decoder (false: the backbone's BatchNorm)");
        var batchSize = Flags.Int("batch_size", "global batch, split over the devices", d.BatchSize, 1, 4096);
        var maxEpoch = Flags.Int("max_epoch", "epochs", d.MaxEpoch, 1, 100000);
        var maxIterations = Flags.OptionalLong("max_iterations", "stop after this many iterations (the schedule still spans --max_epoch)", 1);
        var lr = Flags.Double("lr", "learning rate of the backbone weights (x2 biases, x10 head weights, x20 head biases)", d.LearningRate, 1e-8, 100);
        var wd = Flags.Double("wd", "weight decay (also the effective momentum unless --momentum is given, as in the reference)", d.WeightDecay, 0, 1);
        var momentum = Flags.OptionalDouble("momentum", "SGD momentum as intended (e.g. 0.9); unset reproduces the reference, whose momentum equals --wd", 0, 1);
        var nesterov = Flags.Create("nesterov", "Nesterov momentum", () => d.Nesterov);
        var imageSize = Flags.Int("image_size", "square training crop and validation canvas", d.ImageSize, 16, 4096);
        var minImageSize = Flags.Int("min_image_size", "smallest long side of the random resize", d.MinImageSize, 1, 8192);
        var maxImageSize = Flags.Int("max_image_size", "largest long side of the random resize", d.MaxImageSize, 1, 8192);
        var printRatio = Flags.Double("print_ratio", "log every this fraction of an epoch", d.PrintRatio, 1e-6, 1);
        var tag = Flags.Create<string>("tag", "experiment name: experiments/{logs,data,models}/TAG.*", required: true);
        var labelName = Flags.Create("label_name", "folder of training label PNGs under experiments/predictions/ (the pseudo labels of make-pseudo-labels)", () => d.LabelName);
        var labelDir = Flags.Create<string?>("label_dir", "folder of training label PNGs given by path instead of --label_name, e.g. DATA_DIR/SegmentationClass to train on ground truth");
        var selection = Flags.Choice("selection",
            "which model is kept in models/TAG.pth: val_gt = the best epoch by mIoU on the ground truth of --eval_domain (the reference; the model is then chosen on the split it is scored on); " +
            $"pseudo_holdout = every {SegmentationTrainingOptions.HoldoutEvery}th training image is held out and the best epoch by mIoU against their labels is kept (no pixel ground truth); none = the last epoch",
            d.Selection.Name(), "val_gt", "pseudo_holdout", "none");
        var pretrained = Flags.Create<string?>("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); resnet18 brings its own");
        var backboneFrom = Flags.Create<string?>("backbone_from",
            "start the backbone from a trained classifier's checkpoint of the same backbone (experiments/models/TAG.pth of stage 1) instead of ImageNet weights; unset: the reference");
        var gpus = StageFlags.Gpus("CUDA devices, e.g. 0,1,2,3 (data-parallel); 'cpu' for the CPU; default: every visible device (CUDA_VISIBLE_DEVICES) or the CPU");
        var tf32 = Flags.Switch("tf32", "allow TF32 matrix products and convolutions on CUDA (faster, slightly less exact)");
        var experimentsDir = StageFlags.ExperimentsDir();
        var evalEvery = Flags.OptionalLong("eval_every", "evaluate every this many iterations (default: every epoch)", 1);
        var command = new Command("train-segmentation", "Stage 7: DeepLabv3+ trained on a folder of label PNGs, the pseudo labels (train_segmentation.py); resumable.")
        {
            seed, numWorkers, dataDir, domain, evalDomain, architecture, backbone, mode, useGn, batchSize, maxEpoch, maxIterations, lr, wd, momentum,
            nesterov, imageSize, minImageSize, maxImageSize, printRatio, tag, labelName, labelDir, selection, pretrained, backboneFrom, gpus, tf32, experimentsDir, evalEvery,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new SegmentationTrainingOptions
            {
                Seed = r.GetValue(seed),
                NumWorkers = r.GetValue(numWorkers),
                DataDir = r.GetValue(dataDir)!,
                Domain = r.GetValue(domain)!,
                EvalDomain = r.GetValue(evalDomain)!,
                Backbone = r.GetValue(backbone)!,
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                UseGroupNorm = r.GetValue(useGn),
                BatchSize = r.GetValue(batchSize),
                MaxEpoch = r.GetValue(maxEpoch),
                MaxIterations = r.GetValue(maxIterations),
                LearningRate = r.GetValue(lr),
                WeightDecay = r.GetValue(wd),
                Momentum = r.GetValue(momentum),
                Nesterov = r.GetValue(nesterov),
                ImageSize = r.GetValue(imageSize),
                MinImageSize = r.GetValue(minImageSize),
                MaxImageSize = r.GetValue(maxImageSize),
                PrintRatio = r.GetValue(printRatio),
                Tag = r.GetValue(tag)!,
                LabelName = r.GetValue(labelName)!,
                LabelDir = r.GetValue(labelDir),
                // The flag is a choice of these three words.
                Selection = r.GetValue(selection) switch
                {
                    "pseudo_holdout" => CheckpointSelection.PseudoHoldout,
                    "none" => CheckpointSelection.None,
                    _ => CheckpointSelection.ValGt,
                },
                Pretrained = r.GetValue(pretrained),
                BackboneFrom = r.GetValue(backboneFrom),
                Gpus = r.GetValue(gpus),
                ExperimentsDir = r.GetValue(experimentsDir)!,
                EvalEvery = r.GetValue(evalEvery),
            };
            // Either flag names the training labels; with both, one would be silently ignored.
            if (!string.IsNullOrEmpty(r.GetValue(labelName)) && r.GetValue(labelDir) is not null)
                throw new BadInputException("--label_name and --label_dir both name the training labels; give one of them");
            if (r.GetValue(tf32)) TorchSharp.torch.backends.cuda.matmul.allow_tf32 = TorchSharp.torch.backends.cudnn.allow_tf32 = true;
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var output = r.InvocationConfiguration.Output;
            var result = SegmentationTrainer.Run(options, echo: output.WriteLine, cancel: cancel);
            output.WriteLine(result.Selection == CheckpointSelection.None
                ? $"last epoch kept; model {result.ModelPath}"
                : $"best mIoU {result.BestMiou:F2} ({result.Selection.Name()}); model {result.ModelPath}");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command Inference()
    {
        var d = new SegmentationInferenceOptions();
        var seed = StageFlags.UnusedSeed();
        var dataDir = StageFlags.DataDir();
        var architecture = Architecture();
        var backbone = Backbone(d.Backbone, "backbone of the trained network");
        var mode = StageFlags.Mode(d.Mode, "backbone BatchNorm mode the network was built with");
        var useGn = UseGroupNorm(d.UseGroupNorm, "whether the network's ASPP and decoder have GroupNorm (as trained)");
        var tag = Flags.Create<string>("tag", "the network's experiment name (experiments/models/TAG.pth)", required: true);
        var domain = StageFlags.Domain(d.Domain, "split to segment; 'test' writes RGB colour PNGs as the reference does");
        var scales = StageFlags.Scales();
        scales.Aliases.Add("--scale");
        var maxSide = StageFlags.MaxSide("the label map (nearest)");
        var iteration = Flags.Int("iteration", "dense CRF iterations on the softmax (0: none; the reference's README uses 10)", d.CrfIterations, 0, 1000);
        var gpus = StageFlags.Gpus();
        var checkpoint = Flags.Create<string?>("checkpoint", "the network's weights (default: experiments/models/TAG.pth)");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("inference-segmentation",
            "Stage 8: multi-scale, flipped DeepLabv3+ segmentation of every image of a split (inference_segmentation.py), optionally refined by the dense CRF; one PNG per image; resumable.")
        {
            seed, dataDir, architecture, backbone, mode, useGn, tag, domain, scales, maxSide, iteration, gpus, checkpoint, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new SegmentationInferenceOptions
            {
                DataDir = r.GetValue(dataDir)!,
                Backbone = r.GetValue(backbone)!,
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                UseGroupNorm = r.GetValue(useGn),
                Tag = r.GetValue(tag)!,
                Domain = r.GetValue(domain)!,
                Scales = CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                MaxSide = r.GetValue(maxSide),
                CrfIterations = r.GetValue(iteration),
                ExperimentsDir = r.GetValue(experimentsDir)!,
                Gpus = r.GetValue(gpus),
                Checkpoint = r.GetValue(checkpoint),
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var result = SegmentationInferenceRunner.Run(options, new ConsoleProgress("inference-segmentation"), cancel);
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(result);
            if (!options.WritesColour)
                output.WriteLine($"evaluate with: puzzlecam evaluate --experiment_name \"{options.ExperimentName}\" --domain {options.Domain} --mode png --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
