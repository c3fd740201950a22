using PuzzleCam.Classification;
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

    /// <summary>
    /// The main job's flags, shared by <c>reproduce</c> and <c>ablation</c>: the preset, the dataset and the classifier
    /// settings that override the preset's. Both commands read them alike, so that the same flags give the same
    /// classifier runs (the same tags, the same options) and the ablation finds what reproduce trained.
    /// </summary>
    private sealed class JobFlags
    {
        private readonly Option<string> _dataDir = StageFlags.DataDir("dataset root; with --preset synthetic it is generated there when missing");
        private readonly Option<string> _preset = Flags.Choice("preset",
            "synthetic: generate the project's synthetic dataset and train small resnet18 classifiers on the CPU (minutes); " +
            "voc: the reference README's settings on the VOC 2012 root in --data_dir (resnest101 from --pretrained, 512-px crops, batch 32, 15 epochs, lr 0.1; a GPU job)",
            "synthetic", "synthetic", "voc");
        private readonly Option<bool> _skipBad = Flags.Switch("skip_bad", "skip unreadable images with a report instead of stopping");
        private readonly SyntheticFlags _synthetic = new("data_seed");
        private readonly Option<string?> _architecture;
        private readonly Option<string?> _pretrained = Flags.Create<string?>("pretrained", "ImageNet weights of the backbone (torchvision or ResNeSt .pth); required with --preset voc");
        private readonly Option<int?> _batchSize;
        private readonly Option<int?> _imageSize;
        private readonly Option<int?> _maxEpoch;
        private readonly Option<double?> _lr;
        private readonly Option<string?> _scales = Flags.CheckedBy(Flags.Create<string?>("scales", "comma-separated CAM inference scales, each with its flip; synthetic: "
            + FormatScales(ReproduceOptions.SyntheticScales) + ", voc: " + FormatScales(Cams.CamInferenceOptions.DefaultScales)), Cams.CamInferenceOptions.ScalesProblem);
        private readonly Option<string?> _gpus = StageFlags.Gpus("CUDA devices for training (data-parallel), e.g. 0,1; default: every visible device, or the CPU");
        private readonly Option<string> _experimentsDir = StageFlags.ExperimentsDir();

        public JobFlags(string classifiers)
        {
            var synthetic0 = ReproduceOptions.ForSynthetic().Classifier;
            var voc0 = ReproduceOptions.VocClassifier;
            string Both<T>(Func<Classification.ClassifierTrainingOptions, T> value) =>
                FormattableString.Invariant($"default: {value(synthetic0)} with --preset synthetic, {value(voc0)} with --preset voc");
            _architecture = Flags.Create<string?>("architecture", $"backbone of {classifiers}; " + Both(o => o.Architecture));
            _batchSize = Flags.Create<int?>("batch_size", "training batch; " + Both(o => o.BatchSize));
            _imageSize = Flags.Create<int?>("image_size", "training crop; " + Both(o => o.ImageSize));
            _maxEpoch = Flags.Create<int?>("max_epoch", "training epochs; " + Both(o => o.MaxEpoch));
            _lr = Flags.Create<double?>("lr", "learning rate of the backbone weights; " + Both(o => o.LearningRate));
        }

        public void AddTo(Command c)
        {
            foreach (var option in new Option[] { _dataDir, _preset, _skipBad, _architecture, _pretrained, _batchSize, _imageSize, _maxEpoch, _lr, _scales, _gpus, _experimentsDir })
                c.Add(option);
            _synthetic.AddTo(c);
        }

        /// <summary>The name the main job's tags start with before the seed: <c>{preset}-{architecture}</c>.</summary>
        public string Run(ParseResult r) => $"{r.GetValue(_preset)}-{r.GetValue(_architecture) ?? Preset(r).Classifier.Architecture}";

        /// <summary>The main job of <paramref name="seed"/>, checked, with its output folders checked too.</summary>
        public ReproduceOptions Read(ParseResult r, int seed)
        {
            var preset = Preset(r);
            var classifier = preset.Classifier;
            var arch = r.GetValue(_architecture) ?? classifier.Architecture;
            Models.Backbones.Find(arch);
            int size = r.GetValue(_imageSize) ?? classifier.ImageSize;
            var options = preset with
            {
                DataDir = r.GetValue(_dataDir)!,
                Synthetic = preset.Synthetic is null ? null : _synthetic.Read(r),
                SkipBad = r.GetValue(_skipBad),
                Scales = r.GetValue(_scales) is { } given ? Cams.CamInferenceOptions.ParseScales(given) : preset.Scales,
                TagPrefix = ReproduceOptions.SeedTagPrefix(Run(r), seed),
                Classifier = classifier with
                {
                    Seed = seed,
                    Architecture = arch,
                    Pretrained = r.GetValue(_pretrained),
                    BatchSize = r.GetValue(_batchSize) ?? classifier.BatchSize,
                    ImageSize = size,
                    // The preset's resize range scales with an overridden crop as the synthetic preset's does (crop to 2x crop).
                    MinImageSize = r.GetValue(_imageSize) is null ? classifier.MinImageSize : size,
                    MaxImageSize = r.GetValue(_imageSize) is null ? classifier.MaxImageSize : 2 * size,
                    MaxEpoch = r.GetValue(_maxEpoch) ?? classifier.MaxEpoch,
                    LearningRate = r.GetValue(_lr) ?? classifier.LearningRate,
                    Gpus = r.GetValue(_gpus),
                    ExperimentsDir = r.GetValue(_experimentsDir)!,
                },
            };
            options.Validate();
            if (options.Synthetic is not null) IO.OutputLocation.CheckFolder(options.DataDir, "--data_dir");
            IO.OutputLocation.CheckFolder(options.Classifier.ExperimentsDir, "--experiments_dir");
            return options;
        }

        private ReproduceOptions Preset(ParseResult r) =>
            r.GetValue(_preset) == "voc" ? ReproduceOptions.ForVoc(r.GetValue(_dataDir)!, r.GetValue(_pretrained)) : ReproduceOptions.ForSynthetic();
    }

    public static Command Reproduce()
    {
        var job = new JobFlags("both classifiers");
        var stages = Flags.Create("stages", $"comma-separated stages to run: {StageNames}; 'all' (the default) is every stage, 1-8; 'pseudo_label_pipeline' is data to pseudo_labels (stages 1-6)", () => "all");
        var seed = Flags.Int("seed", "training seed (the classifiers' tags end in it, so seeds do not mix)", 0, 0);
        var deeplabFrom = Flags.OptionalChoice("deeplab_backbone",
            "what DeepLabv3+'s backbone starts from: puzzle = the trained Puzzle-CAM classifier's backbone (the synthetic preset's default: ImageNet features do not know the synthetic classes), " +
            "imagenet = ImageNet weights as the reference (the voc preset's default)", "puzzle", "imagenet");
        var command = new Command("reproduce", "Run the pipeline stage after stage (dataset; baseline and Puzzle-CAM classifiers; their multi-scale CAMs, CAM mIoU side by side; affinity labels, AffinityNet, random walk and pseudo labels from the Puzzle-CAM CAMs; DeepLabv3+ trained on the pseudo labels and its predictions on val without and with the CRF, beside the Puzzle-CAM CAMs of val) and print the mIoU of each stage, resuming where an earlier run stopped.")
        {
            stages, seed, deeplabFrom,
        };
        job.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var options = job.Read(r, r.GetValue(seed)) with { Stages = ParseStages(r.GetValue(stages)!) };
            if (r.GetValue(deeplabFrom) is { } from) options = options with { SegmentationBackboneFromClassifier = from == "puzzle" };
            Reproduction.Run(options, new ConsoleReporter(r.InvocationConfiguration.Output), cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command Ablation()
    {
        var job = new JobFlags("every classifier");
        var losses = ReproduceOptions.ForSynthetic().Classifier.Losses;
        var flags = new OptionsBinder<AblationOptions>(new AblationOptions());
        flags.Text("seeds", "comma-separated training seeds, a column of the table each", o => string.Join(",", o.Seeds),
            (o, v) => o with { Seeds = AblationOptions.ParseSeeds(v) });
        flags.OptionalWords("re_loss",
            $"adds a row of Puzzle-CAM with this reconstruction distance (the main job's, {PuzzleLossWords.Of(losses.Distance)}, adds none)",
            (o, v) => o with { Distance = v }, PuzzleLossWords.Distances);
        flags.OptionalWords("re_loss_option",
            $"adds a row of Puzzle-CAM with the reconstruction loss over these classes (the main job's, {PuzzleLossWords.Of(losses.Selection)}, adds none)",
            (o, v) => o with { Selection = v }, PuzzleLossWords.Selections);
        flags.Bind(Flags.OptionalDouble("alpha_schedule",
            FormattableString.Invariant($"fraction of training over which alpha ramps up (0: constant): adds a row of Puzzle-CAM with it (the main job's, {losses.AlphaSchedule}, adds none)"), 0, 1),
            (o, v) => o with { AlphaSchedule = v });
        flags.Bind(Flags.OptionalDouble("alpha",
            FormattableString.Invariant($"largest weight of the reconstruction loss, in (0, {AblationOptions.MaxAlpha}]: adds rows of cls+re and cls+pcl+re trained with it (the main job's, {losses.Alpha}, adds none)"),
            AblationOptions.AlphaProblem), (o, v) => o with { Alpha = v });
        flags.OptionalWords("level",
            $"feature (the raw maps) or cam (make_cam before the losses): a level other than the main job's adds rows of cls+pcl, cls+re and cls+pcl+re at that level (the main job's, {PuzzleLossWords.Of(losses.Level)}, adds none)",
            (o, v) => o with { Level = v }, PuzzleLossWords.Levels);
        var command = flags.Command("ablation", "The paper's loss ablation (Table 1) in miniature: the main job's classifier trained with the classification loss alone (cls), " +
            "with the puzzle classification loss (cls+pcl), with the reconstruction loss (cls+re) and with both (cls+pcl+re) for each seed, their multi-scale CAMs scored on the " +
            "evaluation split, printed beside the paper's ResNet-50 numbers and written to experiments/ablation.json. cls and cls+pcl+re are reproduce's baseline and Puzzle-CAM " +
            "classifiers of the seed (same tags, same options), so what reproduce trained, and its CAMs, are reused; every run resumes where an earlier one stopped.");
        job.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var options = flags.Read(r);
            options = options with { Job = job.Read(r, options.Seeds.FirstOrDefault()), Run = job.Run(r) };
            Pipeline.Ablation.Run(options, new ConsoleReporter(r.InvocationConfiguration.Output), cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static string FormatScales(IEnumerable<double> scales) => string.Join(",", scales.Select(Cams.CamInferenceOptions.FormatScale));

    /// <summary>The <c>--stages</c> names of the driver's steps, in pipeline order.</summary>
    private static readonly string StageNames = string.Join(", ", Reproduction.Steps.Select(s => s.Name).Distinct());

    private static PipelineStages ParseStages(string text)
    {
        var stages = PipelineStages.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            stages |= name switch
            {
                "pseudo_label_pipeline" => PipelineStages.PseudoLabelPipeline,
                "default" or "all" => PipelineStages.All,
                _ => Reproduction.Steps.FirstOrDefault(s => s.Name == name)?.Stage
                    ?? throw new BadInputException($"--stages: unknown stage '{name}' ({StageNames}, pseudo_label_pipeline, all)"),
            };
        return stages;
    }
}
