using PuzzleCam.Affinity;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Cli.Commands;

/// <summary>Stages 3-6: affinity labels, AffinityNet training, the random walk and the pseudo labels, with the reference's flags.</summary>
internal static class AffinityCommands
{
    public static Command MakeAffinityLabels()
    {
        var flags = new OptionsBinder<AffinityLabelStageOptions>(new AffinityLabelStageOptions());
        flags.Required("experiment_name", "the CAM folder under experiments/predictions/ (inference-classification's output)", (o, v) => o with { CamName = v });
        StageFlags.PerImage(flags, "split whose CAMs become labels (the reference's README uses train_aug)");
        flags.Double("fg_threshold", "background score of the strict map: pixels above it are confident foreground (README: 0.40)",
            o => o.Thresholds.FgThreshold, (o, v) => o with { Thresholds = o.Thresholds with { FgThreshold = v } }, 0, 1);
        flags.Double("bg_threshold", "background score of the lenient map: pixels below it everywhere are confident background (README: 0.10)",
            o => o.Thresholds.BgThreshold, (o, v) => o with { Thresholds = o.Thresholds with { BgThreshold = v } }, 0, 1);
        StageFlags.CrfLabels(flags);
        return PerImageCommand.Create(flags, "make-affinity-labels",
            "Stage 3: confident foreground, background and ignored pixels of every image's CAMs (two label CRFs, t=10), one PNG per image in {experiment_name}@aff_fg=F_bg=B; resumable.",
            (o, progress, cancel) => AffinityLabelRunner.Run(o, progress, cancel),
            o => $"train AffinityNet with: puzzlecam train-affinitynet --label_name \"{o.OutputName}\" --domain {o.Domain} --data_dir \"{o.DataDir}\" --experiments_dir \"{o.ExperimentsDir}\" --tag AffinityNet");
    }

    public static Command TrainAffinityNet()
    {
        var flags = new OptionsBinder<AffinityNetTrainingOptions>(new AffinityNetTrainingOptions());
        var tf32 = TrainingFlags.AddTo(flags, new TrainingHelp(NewLayers: "edge layers", Domain: "training split; make-affinity-labels must have labelled it",
            LearningRate: "learning rate of the edge layers", ImageSize: "square crop size (the label map is a quarter of it)", MinImageSize: 80,
            Tag: "the model's name: experiments/models/TAG.pth"));
        flags.Bind(Flags.Architecture("backbone (frozen, ImageNet weights)", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        flags.Required("label_name", "the affinity-label folder under --pred_dir (make-affinity-labels' output)", (o, v) => o with { LabelName = v });
        flags.Optional("pred_dir", "folder holding --label_name (default: experiments/predictions)", (o, v) => o with { PredDir = v });
        return TrainingFlags.Command(flags, tf32, "train-affinitynet",
            "Stage 4: AffinityNet's edge layers trained on the affinity labels over a frozen ImageNet backbone (train_affinitynet.py); resumable.",
            (options, _) => options,
            (_, result) => $"model {result.ModelPath} after {result.Iterations} iterations (last loss {result.LastLoss:F4})");
    }

    public static Command InferenceRw()
    {
        var flags = new OptionsBinder<RandomWalkStageOptions>(new RandomWalkStageOptions());
        flags.Bind(Flags.Architecture("backbone of the trained AffinityNet", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        flags.Required("model_name", "the AffinityNet's tag (experiments/models/MODEL_NAME.pth)", (o, v) => o with { ModelName = v });
        flags.Required("cam_dir", "the CAM folder under experiments/predictions/", (o, v) => o with { CamDir = v });
        StageFlags.PerImage(flags, "split to walk (the reference's README uses train_aug)");
        WalkFlags.AddTo(flags, o => o.Walk, (o, v) => o with { Walk = v });
        flags.Int("edge_canvas",
            "side the image is zero-padded to for AffinityNet's edge map (the reference: 512; larger images are padded to the next multiple of 16); a smaller canvas saves time on small images",
            o => o.Walk.EdgeCanvas, (o, v) => o with { Walk = o.Walk with { EdgeCanvas = v } }, 16, 8192);
        StageFlags.Model(flags, "the walked maps");
        return PerImageCommand.Create(flags, "inference-rw",
            "Stage 5: every image's CAMs walked over AffinityNet's edges, one .npz (keys, rw) per image in MODEL_NAME@train@beta=B@exp_times=E@rw; resumable.",
            (o, progress, cancel) => RandomWalkRunner.Run(o, progress, cancel), o => PerImageCommand.Evaluate(o, o.ExperimentName, "rw"));
    }

    public static Command MakePseudoLabels()
    {
        var flags = new OptionsBinder<PseudoLabelStageOptions>(new PseudoLabelStageOptions());
        flags.Required("experiment_name", "the random-walk folder under experiments/predictions/ (inference-rw's output)", (o, v) => o with { RandomWalkName = v });
        StageFlags.PerImage(flags, "split to label (the reference's README uses train_aug)");
        flags.Double("threshold", "background score: pixels whose walk stays below it are background (README: 0.35)",
            o => o.Rule.Threshold, (o, v) => o with { Rule = o.Rule with { Threshold = v } }, 0, 1);
        flags.Int("crf_iteration", "mean-field iterations of the label CRF, 0 for none (README: 1)",
            o => o.Rule.CrfIterations, (o, v) => o with { Rule = o.Rule with { CrfIterations = v } }, 0, 1000);
        StageFlags.CrfLabels(flags);
        return PerImageCommand.Create(flags, "make-pseudo-labels", "Stage 6: the pseudo masks, one palette PNG per image in EXPERIMENT_NAME@crf=T; resumable.",
            (o, progress, cancel) => PseudoLabelRunner.Run(o, progress, cancel), o => PerImageCommand.Evaluate(o, o.OutputName, "png"));
    }
}

/// <summary>The random walk's flags, which <c>inference-rw</c> and <c>bench rw</c> share.</summary>
internal static class WalkFlags
{
    public static void AddTo<T>(OptionsBinder<T> flags, Func<T, RandomWalkOptions> walk, Func<T, RandomWalkOptions, T> set) where T : class
    {
        flags.Int("beta", "affinities are raised to this power before the walk", o => walk(o).Beta, (o, v) => set(o, walk(o) with { Beta = v }), 1, 1000);
        flags.Int("exp_times", "the walk takes 2^exp_times steps", o => walk(o).ExpTimes, (o, v) => set(o, walk(o) with { ExpTimes = v }), 0, RandomWalkOptions.MaxExpTimes);
        flags.Words("propagation",
            "sparse: T^(2^exp_times) applied as repeated sparse products (fast, the same result in exact arithmetic); dense: the reference's (hw)x(hw) matrix squared exp_times times. " +
            "Images larger than 512 px are padded to the next multiple of 16 for the edge network (the reference pads to 512 and would fail)",
            o => walk(o).Mode, (o, v) => set(o, walk(o) with { Mode = v }), [("sparse", RandomWalkMode.Sparse), ("dense", RandomWalkMode.Dense)]);
    }
}
