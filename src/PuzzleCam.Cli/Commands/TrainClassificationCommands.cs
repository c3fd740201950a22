using System.CommandLine;
using PuzzleCam.Classification;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>train-classification</c> (the baseline) and <c>train-classification-with-puzzle</c>, with the reference's flags.</summary>
internal static class TrainClassificationCommands
{
    private static readonly ClassifierTrainingOptions Defaults = new();
    private static readonly PuzzleLossOptions LossDefaults = new();

    private sealed class CommonFlags
    {
        public Option<int> Seed { get; } = Flags.Int("seed", "seed of the new layers' weights and of every augmentation", Defaults.Seed, 0);
        public Option<int> NumWorkers { get; } = Flags.Int("num_workers", "threads decoding and augmenting training images", Defaults.NumWorkers, 0, 64);
        public Option<string> DataDir { get; } = StageFlags.DataDir();
        public Option<string> Domain { get; } = StageFlags.Domain(Defaults.Domain, "training split");
        public Option<string> EvalDomain { get; } = Flags.Create("eval_domain", "split with masks whose CAM mIoU selects the checkpoint (the reference: train)", () => Defaults.EvalDomain);
        public Option<string> Architecture { get; } = Flags.Architecture("backbone", Defaults.Architecture);
        public Option<string> Mode { get; } = StageFlags.Mode(Defaults.Mode, "BatchNorm: normal (batch statistics) or fix (frozen statistics)");
        public Option<int> BatchSize { get; } = Flags.Int("batch_size", "global batch, split over the devices", Defaults.BatchSize, 1, 4096);
        public Option<int> MaxEpoch { get; } = Flags.Int("max_epoch", "epochs", Defaults.MaxEpoch, 1, 100000);
        public Option<long?> MaxIterations { get; } = Flags.OptionalLong("max_iterations", "stop after this many iterations (the schedules still span --max_epoch)", 1);
        public Option<double> Lr { get; } = Flags.Double("lr", "learning rate of the backbone weights", Defaults.LearningRate, 1e-8, 100);
        public Option<double> Wd { get; } = Flags.Double("wd", "weight decay (also the effective momentum unless --momentum is given, as in the reference)", Defaults.WeightDecay, 0, 1);
        public Option<double?> Momentum { get; } = Flags.OptionalDouble("momentum", "SGD momentum as intended (e.g. 0.9); unset reproduces the reference, whose momentum equals --wd", 0, 1);
        public Option<bool> Nesterov { get; } = Flags.Create("nesterov", "Nesterov momentum", () => Defaults.Nesterov);
        public Option<int> ImageSize { get; } = Flags.Int("image_size", "square crop size", Defaults.ImageSize, 16, 4096);
        public Option<int> MinImageSize { get; } = Flags.Int("min_image_size", "smallest long side of the random resize", Defaults.MinImageSize, 1, 8192);
        public Option<int> MaxImageSize { get; } = Flags.Int("max_image_size", "largest long side of the random resize", Defaults.MaxImageSize, 1, 8192);
        public Option<string> Augment { get; } = Flags.Augment(Defaults.Augment);
        public Option<double> PrintRatio { get; } = Flags.Double("print_ratio", "log every this fraction of an epoch", Defaults.PrintRatio, 1e-6, 1);
        public Option<string> Tag { get; } = Flags.Create<string>("tag", "experiment name: experiments/{logs,data,models}/TAG.*", required: true);
        public Option<string?> Pretrained { get; } = Flags.Create<string?>("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); resnet18 brings its own");
        public Option<string?> Gpus { get; } = StageFlags.Gpus("CUDA devices, e.g. 0,1,2,3 (data-parallel); 'cpu' for the CPU; default: every visible device (CUDA_VISIBLE_DEVICES) or the CPU");
        public Option<bool> Tf32 { get; } = Flags.Switch("tf32", "allow TF32 matrix products and convolutions on CUDA (faster, slightly less exact)");
        public Option<string> ExperimentsDir { get; } = StageFlags.ExperimentsDir();
        public Option<long?> EvalEvery { get; } = Flags.OptionalLong("eval_every", "evaluate every this many iterations (default: every epoch)", 1);

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Seed, NumWorkers, DataDir, Domain, EvalDomain, Architecture, Mode, BatchSize, MaxEpoch, MaxIterations, Lr, Wd, Momentum, Nesterov, ImageSize, MinImageSize, MaxImageSize, Augment, PrintRatio, Tag, Pretrained, Gpus, Tf32, ExperimentsDir, EvalEvery })
                c.Add(o);
        }

        public ClassifierTrainingOptions Read(ParseResult r) => new()
        {
            Seed = r.GetValue(Seed),
            NumWorkers = r.GetValue(NumWorkers),
            DataDir = r.GetValue(DataDir)!,
            Domain = r.GetValue(Domain)!,
            EvalDomain = r.GetValue(EvalDomain)!,
            Architecture = r.GetValue(Architecture)!,
            Mode = Normalization.ParseMode(r.GetValue(Mode)!),
            BatchSize = r.GetValue(BatchSize),
            MaxEpoch = r.GetValue(MaxEpoch),
            MaxIterations = r.GetValue(MaxIterations),
            LearningRate = r.GetValue(Lr),
            WeightDecay = r.GetValue(Wd),
            Momentum = r.GetValue(Momentum),
            Nesterov = r.GetValue(Nesterov),
            ImageSize = r.GetValue(ImageSize),
            MinImageSize = r.GetValue(MinImageSize),
            MaxImageSize = r.GetValue(MaxImageSize),
            Augment = r.GetValue(Augment)!,
            PrintRatio = r.GetValue(PrintRatio),
            Tag = r.GetValue(Tag)!,
            Pretrained = r.GetValue(Pretrained),
            Gpus = r.GetValue(Gpus),
            ExperimentsDir = r.GetValue(ExperimentsDir)!,
            EvalEvery = r.GetValue(EvalEvery),
        };
    }

    public static Command Baseline()
    {
        var common = new CommonFlags();
        var command = new Command("train-classification", "Stage 1 baseline: the classifier trained on image-level tags alone (train_classification.py).");
        common.AddTo(command);
        command.SetAction((r, cancel) => Run(common.Read(r) with { Puzzle = false }, r, common, cancel));
        return command;
    }

    public static Command WithPuzzle()
    {
        var common = new CommonFlags();
        var numPieces = Flags.Int("num_pieces", "tiles per image (a perfect square)", Defaults.NumPieces, 1, 1024);
        var lossOption = Flags.Create("loss_option", "'_'-joined loss terms from cl, pcl, re, conf", () => "cl_pcl_re");
        var level = Flags.Choice("level", "compare raw features or normalised CAMs", "feature", "feature", "cam");
        var reLoss = Flags.Create("re_loss", "L1_Loss for |a-b|; anything else for (a-b)^2", () => "L1_Loss");
        var reLossOption = Flags.Create("re_loss_option", "masking, selection, or anything else for none", () => "masking");
        var alpha = Flags.Double("alpha", "largest weight of the reconstruction loss", LossDefaults.Alpha, 0, 1e6);
        var alphaSchedule = Flags.Double("alpha_schedule", "fraction of training over which alpha ramps up (0: constant)", LossDefaults.AlphaSchedule, 0, 1);
        var command = new Command("train-classification-with-puzzle", "Stage 1: the classifier trained with the puzzle module (train_classification_with_puzzle.py).")
        {
            numPieces, lossOption, level, reLoss, reLossOption, alpha, alphaSchedule,
        };
        common.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var losses = PuzzleLossOptions.WithLossOption(new PuzzleLossOptions(), r.GetValue(lossOption)!) with
            {
                Level = r.GetValue(level) == "cam" ? LossLevel.Cam : LossLevel.Feature,
                Distance = r.GetValue(reLoss) == "L1_Loss" ? ReconstructionDistance.L1 : ReconstructionDistance.L2,
                Selection = r.GetValue(reLossOption) switch
                {
                    "masking" => ReconstructionSelection.Masking,
                    "selection" => ReconstructionSelection.Selection,
                    _ => ReconstructionSelection.None,
                },
                Alpha = r.GetValue(alpha),
                AlphaSchedule = r.GetValue(alphaSchedule),
            };
            return Run(common.Read(r) with { Puzzle = true, NumPieces = r.GetValue(numPieces), Losses = losses }, r, common, cancel);
        });
        return command;
    }

    private static Task<int> Run(ClassifierTrainingOptions options, ParseResult r, CommonFlags common, CancellationToken cancel)
    {
        if (r.GetValue(common.Tf32)) TorchSharp.torch.backends.cuda.matmul.allow_tf32 = TorchSharp.torch.backends.cudnn.allow_tf32 = true;
        IO.OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
        Runtime.TorchRuntime.EnsureLoaded();
        var output = r.InvocationConfiguration.Output;
        var result = ClassifierTrainer.Run(options, echo: output.WriteLine, cancel: cancel);
        output.WriteLine($"best train CAM mIoU {result.BestMiou:F2} at threshold {result.BestThreshold:F2}; model {result.ModelPath}");
        return Task.FromResult(CliApp.Ok);
    }
}
