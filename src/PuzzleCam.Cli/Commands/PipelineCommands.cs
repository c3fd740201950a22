using System.CommandLine;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Cli.Commands;

/// <summary>The synthetic dataset and the whole-pipeline driver.</summary>
internal static class PipelineCommands
{
    private sealed class SyntheticFlags
    {
        private static readonly SyntheticOptions Defaults = new();
        public Option<int> Train { get; } = Flags.Int("train", "training images (all form train_aug; the first quarter also train)", Defaults.Train, 1, SyntheticOptions.MaxImages);
        public Option<int> Val { get; } = Flags.Int("val", "validation images", Defaults.Val, 1, SyntheticOptions.MaxImages);
        public Option<int> Size { get; } = Flags.Int("size", "image side in pixels", Defaults.Size, SyntheticOptions.MinSize, SyntheticOptions.MaxSize);
        public Option<int> Seed { get; }

        public SyntheticFlags(string seedName = "seed") =>
            Seed = Flags.Int(seedName, "dataset seed: the same seed gives the same files", Defaults.Seed, 0);

        public void AddTo(Command c)
        {
            c.Add(Train);
            c.Add(Val);
            c.Add(Size);
            c.Add(Seed);
        }

        public SyntheticOptions Read(ParseResult r) => new()
        {
            Train = r.GetValue(Train),
            Val = r.GetValue(Val),
            Size = r.GetValue(Size),
            Seed = r.GetValue(Seed),
        };
    }

    public static Command MakeSynthetic()
    {
        var output = Flags.Create<string>("out", "dataset root to write (VOC layout)", required: true);
        var synthetic = new SyntheticFlags();
        var command = new Command("make-synthetic", "Write the synthetic VOC-format dataset (JPEG, XML, palette PNG masks, split lists), byte-identical for a seed.") { output };
        synthetic.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var options = synthetic.Read(r);
            IO.OutputLocation.CheckFolder(r.GetValue(output)!, "--out");
            var reporter = new ConsoleReporter(r.InvocationConfiguration.Output);
            Reproduction.EnsureSynthetic(r.GetValue(output)!, options, reporter, cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command Reproduce()
    {
        var preset = ReproduceOptions.SyntheticClassifier;
        var dataDir = Flags.Create("data_dir", "dataset root; with --preset synthetic it is generated there when missing", () => Path.Combine("datasets", "synthetic"));
        var presetName = Flags.Choice("preset", "synthetic: generate and use the synthetic dataset; voc: use the VOC 2012 root in --data_dir", "synthetic", "synthetic", "voc");
        var skipBad = Flags.Switch("skip_bad", "skip unreadable images with a report instead of stopping");
        var synthetic = new SyntheticFlags("data_seed");
        var stages = Flags.Create("stages", "comma-separated stages to run: data, classification, cams, evaluate_cams (default: all)", () => "data,classification,cams,evaluate_cams");
        var seed = Flags.Int("seed", "training seed (the classifiers' tags end in it, so seeds do not mix)", 0, 0);
        var architecture = Flags.Architecture("backbone of both classifiers", preset.Architecture);
        var batchSize = Flags.Int("batch_size", "training batch", preset.BatchSize, 1, 4096);
        var imageSize = Flags.Int("image_size", "training crop (long sides are drawn from [image_size, 2 x image_size])", preset.ImageSize, 32, 4096);
        var maxEpoch = Flags.Int("max_epoch", "training epochs", preset.MaxEpoch, 1, 100000);
        var lr = Flags.Double("lr", "learning rate of the backbone weights", preset.LearningRate, 1e-8, 100);
        var scales = Flags.Create("scales", "CAM inference scales", () => "0.5,1.0,1.5,2.0");
        var gpus = Flags.Create<string?>("gpus", "CUDA devices for training (data-parallel), e.g. 0,1; default: every visible device, or the CPU");
        var experimentsDir = Flags.Create("experiments_dir", "root of the experiment outputs", () => "experiments");
        var command = new Command("reproduce", "Run the pipeline stage after stage (dataset; baseline and Puzzle-CAM classifiers; their multi-scale CAMs; CAM mIoU side by side), resuming where an earlier run stopped.")
        {
            dataDir, presetName, skipBad, stages, seed, architecture, batchSize, imageSize, maxEpoch, lr, scales, gpus, experimentsDir,
        };
        synthetic.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            int size = r.GetValue(imageSize);
            var options = new ReproduceOptions
            {
                DataDir = r.GetValue(dataDir)!,
                Synthetic = r.GetValue(presetName) == "synthetic" ? synthetic.Read(r) : null,
                SkipBad = r.GetValue(skipBad),
                Stages = ParseStages(r.GetValue(stages)!),
                Scales = Cams.CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                TagPrefix = $"{r.GetValue(presetName)}-{r.GetValue(architecture)}-seed{r.GetValue(seed)}",
                Classifier = preset with
                {
                    Seed = r.GetValue(seed),
                    Architecture = r.GetValue(architecture)!,
                    BatchSize = r.GetValue(batchSize),
                    ImageSize = size,
                    MinImageSize = size,
                    MaxImageSize = 2 * size,
                    MaxEpoch = r.GetValue(maxEpoch),
                    LearningRate = r.GetValue(lr),
                    Gpus = r.GetValue(gpus),
                    ExperimentsDir = r.GetValue(experimentsDir)!,
                },
            };
            if (options.Synthetic is not null) IO.OutputLocation.CheckFolder(options.DataDir, "--data_dir");
            IO.OutputLocation.CheckFolder(options.Classifier.ExperimentsDir, "--experiments_dir");
            Reproduction.Run(options, new ConsoleReporter(r.InvocationConfiguration.Output), cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static PipelineStages ParseStages(string text)
    {
        var stages = PipelineStages.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            stages |= name switch
            {
                "data" => PipelineStages.Data,
                "classification" => PipelineStages.Classification,
                "cams" => PipelineStages.Cams,
                "evaluate_cams" => PipelineStages.EvaluateCams,
                "all" => PipelineStages.All,
                _ => throw new BadInputException($"--stages: unknown stage '{name}' (data, classification, cams, evaluate_cams, all)"),
            };
        return stages;
    }
}
