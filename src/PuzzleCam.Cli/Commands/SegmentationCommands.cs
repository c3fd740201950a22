using PuzzleCam.Models;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>train-segmentation</c> (stage 7) and <c>inference-segmentation</c> (stage 8), with the reference's flags.</summary>
internal static class SegmentationCommands
{
    /// <summary>The reference's only segmentation network; its alternatives Seg_Model and CSeg_Model are not built.</summary>
    private const string Network = "DeepLabv3+";

    private static Option<string> Architecture() => Flags.Choice("architecture", "segmentation network", Network, Network);

    public static Command Train()
    {
        var flags = new OptionsBinder<SegmentationTrainingOptions>(new SegmentationTrainingOptions());
        var tf32 = TrainingFlags.AddTo(flags, new TrainingHelp(NewLayers: "new layers", Domain: "training split",
            LearningRate: "learning rate of the backbone weights (x2 biases, x10 head weights, x20 head biases)",
            ImageSize: "square training crop and validation canvas", MinImageSize: 16, Tag: "experiment name: experiments/{logs,data,models}/TAG.*"));
        flags.Text("eval_domain", "split whose ground truth selects the model with --selection val_gt", o => o.EvalDomain, (o, v) => o with { EvalDomain = v });
        flags.Add(Architecture());
        flags.Bind(Flags.Backbone("backbone (resnet18 brings its own ImageNet weights; the others take --pretrained)", flags.Defaults.Backbone), (o, v) => o with { Backbone = v });
        StageFlags.Mode(flags, "backbone BatchNorm: fix (frozen statistics) or normal (batch statistics)", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Switch("use_gn", "GroupNorm(4) in the ASPP and decoder (false: the backbone's BatchNorm)", o => o.UseGroupNorm, (o, v) => o with { UseGroupNorm = v });
        var labelName = flags.Text("label_name", "folder of training label PNGs under experiments/predictions/ (the pseudo labels of make-pseudo-labels)",
            o => o.LabelName, (o, v) => o with { LabelName = v });
        var labelDir = flags.Optional("label_dir",
            "folder of training label PNGs given by path instead of --label_name, e.g. DATA_DIR/SegmentationClass to train on ground truth", (o, v) => o with { LabelDir = v });
        flags.Words("selection",
            "which model is kept in models/TAG.pth: val_gt = the best epoch by mIoU on the ground truth of --eval_domain (the reference; the model is then chosen on the split it is scored on); " +
            $"pseudo_holdout = every {SegmentationTrainingOptions.HoldoutEvery}th training image is held out and the best epoch by mIoU against their labels is kept (no pixel ground truth); none = the last epoch",
            o => o.Selection, (o, v) => o with { Selection = v },
            [.. Enum.GetValues<CheckpointSelection>().Select(s => (s.Name(), s))]);
        flags.Optional("backbone_from",
            "start the backbone from a trained classifier's checkpoint of the same backbone (experiments/models/TAG.pth of stage 1) instead of ImageNet weights; unset: the reference",
            (o, v) => o with { BackboneFrom = v });
        flags.Bind(Flags.OptionalLong("eval_every", "evaluate every this many iterations (default: every epoch)", 1), (o, v) => o with { EvalEvery = v });
        return TrainingFlags.Command(flags, tf32, "train-segmentation",
            "Stage 7: DeepLabv3+ trained on a folder of label PNGs, the pseudo labels (train_segmentation.py); resumable.",
            (options, r) =>
            {
                // Either flag names the training labels; with both, one would be silently ignored.
                if (!string.IsNullOrEmpty(r.GetValue(labelName)) && r.GetValue(labelDir) is not null)
                    throw new BadInputException("--label_name and --label_dir both name the training labels; give one of them");
                return options;
            },
            (options, result) => options.Selection == CheckpointSelection.None
                ? $"last epoch kept; model {result.ModelPath}"
                : $"best mIoU {result.BestMiou:F2} ({options.Selection.Name()}); model {result.ModelPath}");
    }

    public static Command Inference()
    {
        var flags = new OptionsBinder<SegmentationInferenceOptions>(new SegmentationInferenceOptions());
        flags.Add(Architecture());
        flags.Bind(Flags.Backbone("backbone of the trained network", flags.Defaults.Backbone), (o, v) => o with { Backbone = v });
        StageFlags.Mode(flags, "backbone BatchNorm mode the network was built with", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Switch("use_gn", "whether the network's ASPP and decoder have GroupNorm (as trained)", o => o.UseGroupNorm, (o, v) => o with { UseGroupNorm = v });
        flags.Required("tag", "the network's experiment name (experiments/models/TAG.pth)", (o, v) => o with { Tag = v });
        flags.Optional("checkpoint", "the network's weights (default: experiments/models/TAG.pth)", (o, v) => o with { Checkpoint = v });
        StageFlags.PerImage(flags, "split to segment; 'test' writes RGB colour PNGs as the reference does");
        // The reference's README spells it --scale, an abbreviation argparse accepts.
        StageFlags.Scales(flags, o => o.Scales, (o, v) => o with { Scales = v }).Aliases.Add("--scale");
        flags.Int("iteration", "dense CRF iterations on the softmax (0: none; the reference's README uses 10)", o => o.CrfIterations, (o, v) => o with { CrfIterations = v }, 0, 1000);
        StageFlags.Model(flags, "the label map (nearest)");
        return PerImageCommand.Create(flags, "inference-segmentation",
            "Stage 8: multi-scale, flipped DeepLabv3+ segmentation of every image of a split (inference_segmentation.py), optionally refined by the dense CRF; one PNG per image; resumable.",
            (o, progress, cancel) => SegmentationInferenceRunner.Run(o, progress, cancel),
            o => o.WritesColour ? null : PerImageCommand.Evaluate(o, o.ExperimentName, "png"));
    }
}
