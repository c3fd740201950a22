using System.CommandLine;
using PuzzleCam.Affinity;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.IO;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Cli.Commands;

/// <summary>Stages 3-6: affinity labels, AffinityNet training, the random walk and the pseudo labels, with the reference's flags.</summary>
internal static class AffinityCommands
{
    public static Command MakeAffinityLabels()
    {
        var defaults = new AffinityLabelStageOptions();
        var experiment = Flags.Create<string>("experiment_name", "the CAM folder under experiments/predictions/ (inference-classification's output)", required: true);
        var domain = StageFlags.Domain(defaults.Domain, "split whose CAMs become labels (the reference's README uses train_aug)");
        var fg = Flags.Double("fg_threshold", "background score of the strict map: pixels above it are confident foreground (README: 0.40)", defaults.Thresholds.FgThreshold, 0, 1);
        var bg = Flags.Double("bg_threshold", "background score of the lenient map: pixels below it everywhere are confident background (README: 0.10)", defaults.Thresholds.BgThreshold, 0, 1);
        var dataDir = StageFlags.DataDir();
        var workers = Flags.Int("num_workers", "images labelled at once, one CRF each", defaults.Workers, 1, 256);
        var seed = StageFlags.UnusedSeed("nothing here is random");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("make-affinity-labels",
            "Stage 3: confident foreground, background and ignored pixels of every image's CAMs (two label CRFs, t=10), one PNG per image in {experiment_name}@aff_fg=F_bg=B; resumable.")
        {
            experiment, domain, fg, bg, dataDir, workers, seed, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new AffinityLabelStageOptions
            {
                CamName = r.GetValue(experiment)!,
                Domain = r.GetValue(domain)!,
                Thresholds = new AffinityLabelOptions { FgThreshold = r.GetValue(fg), BgThreshold = r.GetValue(bg) },
                DataDir = r.GetValue(dataDir)!,
                Workers = r.GetValue(workers),
                ExperimentsDir = r.GetValue(experimentsDir)!,
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var result = AffinityLabelRunner.Run(options, new ConsoleProgress("make-affinity-labels"), cancel);
            r.InvocationConfiguration.Output.WriteLine(result);
            r.InvocationConfiguration.Output.WriteLine($"train AffinityNet with: puzzlecam train-affinitynet --label_name \"{options.OutputName}\" --domain {options.Domain} --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\" --tag AffinityNet");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command TrainAffinityNet()
    {
        var d = new AffinityNetTrainingOptions();
        var seed = Flags.Int("seed", "seed of the edge layers' weights and of every augmentation", d.Seed, 0);
        var numWorkers = Flags.Int("num_workers", "threads decoding and augmenting training images", d.NumWorkers, 0, 64);
        var dataDir = StageFlags.DataDir();
        var domain = StageFlags.Domain(d.Domain, "training split; make-affinity-labels must have labelled it");
        var architecture = Flags.Architecture("backbone (frozen, ImageNet weights)", d.Architecture);
        var batchSize = Flags.Int("batch_size", "batch", d.BatchSize, 1, 4096);
        var maxEpoch = Flags.Int("max_epoch", "epochs", d.MaxEpoch, 1, 100000);
        var maxIterations = Flags.OptionalLong("max_iterations", "stop after this many iterations (the schedule still spans --max_epoch)", 1);
        var lr = Flags.Double("lr", "learning rate of the edge layers", d.LearningRate, 1e-8, 100);
        var wd = Flags.Double("wd", "weight decay (also the effective momentum unless --momentum is given, as in the reference)", d.WeightDecay, 0, 1);
        var momentum = Flags.OptionalDouble("momentum", "SGD momentum as intended (e.g. 0.9); unset reproduces the reference, whose momentum equals --wd", 0, 0.999999);
        var nesterov = Flags.Create("nesterov", "Nesterov momentum", () => d.Nesterov);
        var imageSize = Flags.Int("image_size", "square crop size (the label map is a quarter of it)", d.ImageSize, 80, 4096);
        var minImageSize = Flags.Int("min_image_size", "smallest long side of the random resize", d.MinImageSize, 1, 8192);
        var maxImageSize = Flags.Int("max_image_size", "largest long side of the random resize", d.MaxImageSize, 1, 8192);
        var printRatio = Flags.Double("print_ratio", "log every this fraction of an epoch", d.PrintRatio, 1e-6, 1);
        var tag = Flags.Create<string>("tag", "the model's name: experiments/models/TAG.pth", required: true);
        var labelName = Flags.Create<string>("label_name", "the affinity-label folder under --pred_dir (make-affinity-labels' output)", required: true);
        var predDir = Flags.Create<string?>("pred_dir", "folder holding --label_name (default: experiments/predictions)");
        var pretrained = Flags.Create<string?>("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); resnet18 brings its own");
        var gpus = StageFlags.Gpus("CUDA devices, e.g. 0,1 (data-parallel as train-classification; the reference's README trains this stage on one GPU); 'cpu' for the CPU; default: every visible device (CUDA_VISIBLE_DEVICES) or the CPU");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("train-affinitynet",
            "Stage 4: AffinityNet's edge layers trained on the affinity labels over a frozen ImageNet backbone (train_affinitynet.py); resumable.")
        {
            seed, numWorkers, dataDir, domain, architecture, batchSize, maxEpoch, maxIterations, lr, wd, momentum, nesterov, imageSize, minImageSize,
            maxImageSize, printRatio, tag, labelName, predDir, pretrained, gpus, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new AffinityNetTrainingOptions
            {
                Seed = r.GetValue(seed),
                NumWorkers = r.GetValue(numWorkers),
                DataDir = r.GetValue(dataDir)!,
                Domain = r.GetValue(domain)!,
                Architecture = r.GetValue(architecture)!,
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
                PredDir = r.GetValue(predDir),
                Pretrained = r.GetValue(pretrained),
                Gpus = r.GetValue(gpus),
                ExperimentsDir = r.GetValue(experimentsDir)!,
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var output = r.InvocationConfiguration.Output;
            var result = AffinityNetTrainer.Run(options, echo: output.WriteLine, cancel: cancel);
            output.WriteLine($"model {result.ModelPath} after {result.Iterations} iterations (last loss {result.LastLoss:F4})");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command InferenceRw()
    {
        var d = new RandomWalkStageOptions();
        var architecture = Flags.Architecture("backbone of the trained AffinityNet", d.Architecture);
        var modelName = Flags.Create<string>("model_name", "the AffinityNet's tag (experiments/models/MODEL_NAME.pth)", required: true);
        var camDir = Flags.Create<string>("cam_dir", "the CAM folder under experiments/predictions/", required: true);
        var domain = StageFlags.Domain(d.Domain, "split to walk (the reference's README uses train_aug)");
        var beta = Flags.Int("beta", "affinities are raised to this power before the walk", d.Walk.Beta, 1, 1000);
        var expTimes = Flags.Int("exp_times", "the walk takes 2^exp_times steps", d.Walk.ExpTimes, 0, RandomWalkOptions.MaxExpTimes);
        var propagation = Flags.Choice("propagation",
            "sparse: T^(2^exp_times) applied as repeated sparse products (fast, the same result in exact arithmetic); dense: the reference's (hw)x(hw) matrix squared exp_times times. " +
            "Images larger than 512 px are padded to the next multiple of 16 for the edge network (the reference pads to 512 and would fail)",
            "sparse", "sparse", "dense");
        var edgeCanvas = Flags.Int("edge_canvas",
            "side the image is zero-padded to for AffinityNet's edge map (the reference: 512; larger images are padded to the next multiple of 16); a smaller canvas saves time on small images",
            d.Walk.EdgeCanvas, 16, 8192);
        var maxSide = StageFlags.MaxSide("the walked maps");
        var dataDir = StageFlags.DataDir();
        var gpus = StageFlags.Gpus();
        var seed = StageFlags.UnusedSeed("nothing here is random");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("inference-rw",
            "Stage 5: every image's CAMs walked over AffinityNet's edges, one .npz (keys, rw) per image in MODEL_NAME@train@beta=B@exp_times=E@rw; resumable.")
        {
            architecture, modelName, camDir, domain, beta, expTimes, propagation, edgeCanvas, maxSide, dataDir, gpus, seed, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new RandomWalkStageOptions
            {
                Architecture = r.GetValue(architecture)!,
                ModelName = r.GetValue(modelName)!,
                CamDir = r.GetValue(camDir)!,
                Domain = r.GetValue(domain)!,
                Walk = new RandomWalkOptions
                {
                    Beta = r.GetValue(beta),
                    ExpTimes = r.GetValue(expTimes),
                    Mode = r.GetValue(propagation) == "dense" ? RandomWalkMode.Dense : RandomWalkMode.Sparse,
                    EdgeCanvas = r.GetValue(edgeCanvas),
                },
                MaxSide = r.GetValue(maxSide),
                DataDir = r.GetValue(dataDir)!,
                Gpus = r.GetValue(gpus),
                ExperimentsDir = r.GetValue(experimentsDir)!,
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var result = RandomWalkRunner.Run(options, new ConsoleProgress("inference-rw"), cancel);
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(result);
            // Unlike the reference's hint, train_aug becomes train: only train has masks.
            var evalDomain = options.Domain == "train_aug" ? "train" : options.Domain;
            output.WriteLine($"evaluate with: puzzlecam evaluate --experiment_name \"{options.ExperimentName}\" --domain {evalDomain} --mode rw --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command MakePseudoLabels()
    {
        var d = new PseudoLabelStageOptions();
        var experiment = Flags.Create<string>("experiment_name", "the random-walk folder under experiments/predictions/ (inference-rw's output)", required: true);
        var domain = StageFlags.Domain(d.Domain, "split to label (the reference's README uses train_aug)");
        var threshold = Flags.Double("threshold", "background score: pixels whose walk stays below it are background (README: 0.35)", d.Rule.Threshold, 0, 1);
        var crfIteration = Flags.Int("crf_iteration", "mean-field iterations of the label CRF, 0 for none (README: 1)", d.Rule.CrfIterations, 0, 1000);
        var dataDir = StageFlags.DataDir();
        var workers = Flags.Int("num_workers", "images labelled at once, one CRF each", d.Workers, 1, 256);
        var seed = StageFlags.UnusedSeed("nothing here is random");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("make-pseudo-labels",
            "Stage 6: the pseudo masks, one palette PNG per image in EXPERIMENT_NAME@crf=T; resumable.")
        {
            experiment, domain, threshold, crfIteration, dataDir, workers, seed, experimentsDir,
        };
        command.SetAction((r, cancel) =>
        {
            var options = new PseudoLabelStageOptions
            {
                RandomWalkName = r.GetValue(experiment)!,
                Domain = r.GetValue(domain)!,
                Rule = new PseudoLabelOptions { Threshold = r.GetValue(threshold), CrfIterations = r.GetValue(crfIteration) },
                DataDir = r.GetValue(dataDir)!,
                Workers = r.GetValue(workers),
                ExperimentsDir = r.GetValue(experimentsDir)!,
            };
            OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var result = PseudoLabelRunner.Run(options, new ConsoleProgress("make-pseudo-labels"), cancel);
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(result);
            var evalDomain = options.Domain == "train_aug" ? "train" : options.Domain;
            output.WriteLine($"evaluate with: puzzlecam evaluate --experiment_name \"{options.OutputName}\" --domain {evalDomain} --mode png --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
