using PuzzleCam.Classification;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>train-classification</c> (the baseline) and <c>train-classification-with-puzzle</c>, with the reference's flags.</summary>
internal static class TrainClassificationCommands
{
    public static Command Baseline()
    {
        var flags = Flags(out var tf32);
        return TrainingFlags.Command(flags, tf32, "train-classification", "Stage 1 baseline: the classifier trained on image-level tags alone (train_classification.py).",
            (options, _) => options with { Puzzle = false }, Summary);
    }

    public static Command WithPuzzle()
    {
        var flags = Flags(out var tf32);
        flags.Int("num_pieces", "tiles per image (a perfect square)", o => o.NumPieces, (o, v) => o with { NumPieces = v }, 1, 1024);
        flags.Text("loss_option", "'_'-joined loss terms from cl, pcl, re, conf", o => o.Losses.LossOptionText(),
            (o, v) => o with { Losses = PuzzleLossOptions.WithLossOption(o.Losses, v) });
        flags.Words("level", "compare raw features (feature) or normalised CAMs (cam)", o => o.Losses.Level, (o, v) => o with { Losses = o.Losses with { Level = v } },
            PuzzleLossWords.Levels);
        flags.Words("re_loss", "L1_Loss for |a-b|, L2_Loss for (a-b)^2", o => o.Losses.Distance, (o, v) => o with { Losses = o.Losses with { Distance = v } },
            PuzzleLossWords.Distances);
        flags.Words("re_loss_option", "the classes the reconstruction loss compares: masking (the tagged ones, averaged over all), selection (the tagged ones), none (all)",
            o => o.Losses.Selection, (o, v) => o with { Losses = o.Losses with { Selection = v } },
            PuzzleLossWords.Selections);
        flags.Double("alpha", "largest weight of the reconstruction loss", o => o.Losses.Alpha, (o, v) => o with { Losses = o.Losses with { Alpha = v } }, 0, 1e6);
        flags.Double("alpha_schedule", "fraction of training over which alpha ramps up (0: constant)", o => o.Losses.AlphaSchedule,
            (o, v) => o with { Losses = o.Losses with { AlphaSchedule = v } }, 0, 1);
        return TrainingFlags.Command(flags, tf32, "train-classification-with-puzzle", "Stage 1: the classifier trained with the puzzle module (train_classification_with_puzzle.py).",
            (options, _) => options with { Puzzle = true }, Summary);
    }

    /// <summary>The flags of both scripts: the shared training flags and the classifier's own.</summary>
    private static OptionsBinder<ClassifierTrainingOptions> Flags(out Option<bool> tf32)
    {
        var flags = new OptionsBinder<ClassifierTrainingOptions>(new ClassifierTrainingOptions());
        tf32 = TrainingFlags.AddTo(flags, new TrainingHelp(NewLayers: "new layers", Domain: "training split", LearningRate: "learning rate of the backbone weights",
            ImageSize: "square crop size", MinImageSize: 16, Tag: "experiment name: experiments/{logs,data,models}/TAG.*"));
        flags.Text("eval_domain", "split with masks whose CAM mIoU selects the checkpoint (the reference: train)", o => o.EvalDomain, (o, v) => o with { EvalDomain = v });
        flags.Bind(CommandLine.Flags.Architecture("backbone", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        StageFlags.Mode(flags, "BatchNorm: normal (batch statistics) or fix (frozen statistics)", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Bind(CommandLine.Flags.Augment(flags.Defaults.Augment), (o, v) => o with { Augment = v });
        flags.Bind(CommandLine.Flags.OptionalLong("eval_every", "evaluate every this many iterations (default: every epoch)", 1), (o, v) => o with { EvalEvery = v });
        return flags;
    }

    private static string Summary(ClassifierTrainingOptions options, TrainingResult result) =>
        $"best train CAM mIoU {result.BestMiou:F2} at threshold {result.BestThreshold:F2}; model {result.ModelPath}";
}
