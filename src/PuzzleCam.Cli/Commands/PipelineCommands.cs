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
            var root = r.GetValue(output)!;
            var made = SyntheticVocDataset.Ensure(root, options, new ConsoleProgress("make-synthetic"), cancel);
            r.InvocationConfiguration.Output.WriteLine(made?.ToString()
                ?? $"{Path.GetFullPath(root)} already holds the synthetic dataset of these options (seed {options.Seed}, {options.Train}+{options.Val} images of {options.Size} px); reusing it");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command Reproduce()
    {
        var synthetic0 = ReproduceOptions.ForSynthetic().Classifier;
        var voc0 = ReproduceOptions.VocClassifier;
        string Both<T>(Func<Classification.ClassifierTrainingOptions, T> value) =>
            FormattableString.Invariant($"default: {value(synthetic0)} with --preset synthetic, {value(voc0)} with --preset voc");
        var dataDir = StageFlags.DataDir("dataset root; with --preset synthetic it is generated there when missing");
        var presetName = Flags.Choice("preset",
            "synthetic: generate the project's synthetic dataset and train small resnet18 classifiers on the CPU (minutes); " +
            "voc: the reference README's settings on the VOC 2012 root in --data_dir (resnest101 from --pretrained, 512-px crops, batch 32, 15 epochs, lr 0.1; a GPU job)",
            "synthetic", "synthetic", "voc");
        var skipBad = Flags.Switch("skip_bad", "skip unreadable images with a report instead of stopping");
        var synthetic = new SyntheticFlags("data_seed");
        var stages = Flags.Create("stages", "comma-separated stages to run: data, classification, cams, evaluate_cams, affinity_labels, affinitynet, rw, pseudo_labels, val_cams, segmentation, inference_segmentation; 'default' is data to pseudo_labels (stages 1-6), 'all' adds val_cams, segmentation and inference_segmentation (stages 7-8)", () => "default");
        var seed = Flags.Int("seed", "training seed (the classifiers' tags end in it, so seeds do not mix)", 0, 0);
        var architecture = Flags.Create<string?>("architecture", "backbone of both classifiers; " + Both(o => o.Architecture));
        var pretrained = Flags.Create<string?>("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); required with --preset voc");
        var batchSize = Flags.Create<int?>("batch_size", "training batch; " + Both(o => o.BatchSize));
        var imageSize = Flags.Create<int?>("image_size", "training crop; " + Both(o => o.ImageSize));
        var maxEpoch = Flags.Create<int?>("max_epoch", "training epochs; " + Both(o => o.MaxEpoch));
        var lr = Flags.Create<double?>("lr", "learning rate of the backbone weights; " + Both(o => o.LearningRate));
        var scales = Flags.Create<string?>("scales", "comma-separated CAM inference scales, each with its flip; synthetic: "
            + FormatScales(ReproduceOptions.SyntheticScales) + ", voc: " + FormatScales(Cams.CamInferenceOptions.DefaultScales));
        var gpus = StageFlags.Gpus("CUDA devices for training (data-parallel), e.g. 0,1; default: every visible device, or the CPU");
        var experimentsDir = StageFlags.ExperimentsDir();
        var command = new Command("reproduce", "Run the pipeline stage after stage (dataset; baseline and Puzzle-CAM classifiers; their multi-scale CAMs, CAM mIoU side by side; affinity labels, AffinityNet, random walk and pseudo labels from the Puzzle-CAM CAMs; DeepLabv3+ trained on the pseudo labels and its predictions on val without and with the CRF, beside the Puzzle-CAM CAMs of val) and print the mIoU of each stage, resuming where an earlier run stopped.")
        {
            dataDir, presetName, skipBad, stages, seed, architecture, pretrained, batchSize, imageSize, maxEpoch, lr, scales, gpus, experimentsDir,
        };
        synthetic.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            bool voc = r.GetValue(presetName) == "voc";
            var preset = voc ? ReproduceOptions.ForVoc(r.GetValue(dataDir)!, r.GetValue(pretrained)) : ReproduceOptions.ForSynthetic();
            var classifier = preset.Classifier;
            var arch = r.GetValue(architecture) ?? classifier.Architecture;
            Models.Backbones.Find(arch);
            int size = r.GetValue(imageSize) ?? classifier.ImageSize;
            var options = preset with
            {
                DataDir = r.GetValue(dataDir)!,
                Synthetic = voc ? null : synthetic.Read(r),
                SkipBad = r.GetValue(skipBad),
                Stages = ParseStages(r.GetValue(stages)!),
                Scales = r.GetValue(scales) is { } given ? Cams.CamInferenceOptions.ParseScales(given) : preset.Scales,
                TagPrefix = $"{r.GetValue(presetName)}-{arch}-seed{r.GetValue(seed)}",
                Classifier = classifier with
                {
                    Seed = r.GetValue(seed),
                    Architecture = arch,
                    Pretrained = r.GetValue(pretrained),
                    BatchSize = r.GetValue(batchSize) ?? classifier.BatchSize,
                    ImageSize = size,
                    // The preset's resize range scales with an overridden crop as the synthetic preset's does (crop to 2x crop).
                    MinImageSize = r.GetValue(imageSize) is null ? classifier.MinImageSize : size,
                    MaxImageSize = r.GetValue(imageSize) is null ? classifier.MaxImageSize : 2 * size,
                    MaxEpoch = r.GetValue(maxEpoch) ?? classifier.MaxEpoch,
                    LearningRate = r.GetValue(lr) ?? classifier.LearningRate,
                    Gpus = r.GetValue(gpus),
                    ExperimentsDir = r.GetValue(experimentsDir)!,
                },
            };
            options.Validate();
            if (options.Synthetic is not null) IO.OutputLocation.CheckFolder(options.DataDir, "--data_dir");
            IO.OutputLocation.CheckFolder(options.Classifier.ExperimentsDir, "--experiments_dir");
            Reproduction.Run(options, new ConsoleReporter(r.InvocationConfiguration.Output), cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static string FormatScales(IEnumerable<double> scales) => string.Join(",", scales.Select(Cams.CamInferenceOptions.FormatScale));

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
                "affinity_labels" => PipelineStages.AffinityLabels,
                "affinitynet" => PipelineStages.AffinityNet,
                "rw" => PipelineStages.RandomWalk,
                "pseudo_labels" => PipelineStages.PseudoLabels,
                "val_cams" => PipelineStages.ValCams,
                "segmentation" => PipelineStages.Segmentation,
                "inference_segmentation" => PipelineStages.SegmentationInference,
                "default" => PipelineStages.Default,
                "all" => PipelineStages.All,
                _ => throw new BadInputException($"--stages: unknown stage '{name}' (data, classification, cams, evaluate_cams, affinity_labels, affinitynet, rw, pseudo_labels, val_cams, segmentation, inference_segmentation, default, all)"),
            };
        return stages;
    }
}
