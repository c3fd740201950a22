using PuzzleCam.Training;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// The flags every training script shares (train_classification*.py, train_affinitynet.py, train_segmentation.py),
/// declared once and bound to <see cref="TrainingOptions"/>; what differs between the stages is their help words and
/// ranges, given by the caller.
/// </summary>
/// <param name="NewLayers">What <c>--seed</c> initialises besides the augmentations ("new layers", "edge layers").</param>
/// <param name="Domain">Help of <c>--domain</c>.</param>
/// <param name="LearningRate">Help of <c>--lr</c>.</param>
/// <param name="ImageSize">Help of <c>--image_size</c>.</param>
/// <param name="MinImageSize">The smallest crop the stage's network accepts.</param>
/// <param name="Tag">Help of <c>--tag</c>.</param>
internal sealed record TrainingHelp(string NewLayers, string Domain, string LearningRate, string ImageSize, int MinImageSize, string Tag);

internal static class TrainingFlags
{
    /// <summary>
    /// Declares the shared flags on <paramref name="flags"/> and returns <c>--tf32</c>, which sets a process-wide switch
    /// of the CUDA backends rather than an option of the run.
    /// </summary>
    public static Option<bool> AddTo<T>(OptionsBinder<T> flags, TrainingHelp help) where T : TrainingOptions
    {
        // `with` on the base type copies the stage's own record (a virtual clone), so the cast back always holds.
        static Func<T, TValue, T> Set<TValue>(Func<TrainingOptions, TValue, TrainingOptions> set) => (o, v) => (T)set(o, v);

        flags.Int("seed", $"seed of the {help.NewLayers}' weights and of every augmentation", o => o.Seed, Set<int>((o, v) => o with { Seed = v }), 0);
        flags.Int("num_workers", "threads decoding and augmenting training images", o => o.NumWorkers, Set<int>((o, v) => o with { NumWorkers = v }), 0, 64);
        flags.Bind(StageFlags.DataDir(), Set<string>((o, v) => o with { DataDir = v }));
        flags.Text("domain", help.Domain, o => o.Domain, Set<string>((o, v) => o with { Domain = v }));
        flags.Int("batch_size", "global batch, split over the devices", o => o.BatchSize, Set<int>((o, v) => o with { BatchSize = v }), 1, 4096);
        flags.Int("max_epoch", "epochs", o => o.MaxEpoch, Set<int>((o, v) => o with { MaxEpoch = v }), 1, 100000);
        flags.Bind(Flags.OptionalLong("max_iterations", "stop after this many iterations (the schedules still span --max_epoch)", 1),
            Set<long?>((o, v) => o with { MaxIterations = v }));
        flags.Double("lr", help.LearningRate, o => o.LearningRate, Set<double>((o, v) => o with { LearningRate = v }), 1e-8, 100);
        flags.Double("wd", "weight decay (also the effective momentum unless --momentum is given, as in the reference)",
            o => o.WeightDecay, Set<double>((o, v) => o with { WeightDecay = v }), 0, 1);
        flags.Bind(Flags.OptionalDouble("momentum", "SGD momentum as intended (e.g. 0.9); unset reproduces the reference, whose momentum equals --wd",
            v => v is >= 0 and < 1 ? null : FormattableString.Invariant($"--momentum must be in [0, 1), got {v}")), Set<double?>((o, v) => o with { Momentum = v }));
        flags.Switch("nesterov", "Nesterov momentum", o => o.Nesterov, Set<bool>((o, v) => o with { Nesterov = v }));
        flags.Int("image_size", help.ImageSize, o => o.ImageSize, Set<int>((o, v) => o with { ImageSize = v }), help.MinImageSize, 4096);
        flags.Int("min_image_size", "smallest long side of the random resize", o => o.MinImageSize, Set<int>((o, v) => o with { MinImageSize = v }), 1, 8192);
        flags.Int("max_image_size", "largest long side of the random resize", o => o.MaxImageSize, Set<int>((o, v) => o with { MaxImageSize = v }), 1, 8192);
        flags.Double("print_ratio", "log every this fraction of an epoch", o => o.PrintRatio, Set<double>((o, v) => o with { PrintRatio = v }), 1e-6, 1);
        flags.Required("tag", help.Tag, Set<string>((o, v) => o with { Tag = v }));
        flags.Optional("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); resnet18 brings its own", Set<string?>((o, v) => o with { Pretrained = v }));
        flags.Bind(StageFlags.Gpus("CUDA devices, e.g. 0,1,2,3 (data-parallel); 'cpu' for the CPU; default: every visible device (CUDA_VISIBLE_DEVICES) or the CPU"),
            Set<string?>((o, v) => o with { Gpus = v }));
        flags.Bind(StageFlags.ExperimentsDir(), Set<string>((o, v) => o with { ExperimentsDir = v }));
        return flags.Add(Flags.Switch("tf32", "allow TF32 matrix products and convolutions on CUDA (faster, slightly less exact)"));
    }

    /// <summary>
    /// A training command: reads the record, applies <c>--tf32</c>, checks the experiments folder, trains with the log
    /// going to the console and prints what <paramref name="summary"/> makes of the result.
    /// </summary>
    public static Command Command<T>(OptionsBinder<T> flags, Option<bool> tf32, string name, string description,
        Func<T, ParseResult, T> complete, Func<T, TrainingResult, string> summary) where T : TrainingOptions
    {
        var command = flags.Command(name, description);
        command.SetAction((r, cancel) =>
        {
            var options = complete(flags.Read(r), r);
            if (r.GetValue(tf32)) TorchSharp.torch.backends.cuda.matmul.allow_tf32 = TorchSharp.torch.backends.cudnn.allow_tf32 = true;
            IO.OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(summary(options, Trainer.Run(options, echo: output.WriteLine, cancel: cancel)));
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
