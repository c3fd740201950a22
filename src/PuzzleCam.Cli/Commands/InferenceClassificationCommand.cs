using PuzzleCam.Cams;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>inference-classification</c> (stage 2), with the reference's flags.</summary>
internal static class InferenceClassificationCommand
{
    public static Command Create()
    {
        var flags = new OptionsBinder<CamInferenceOptions>(new CamInferenceOptions());
        flags.Bind(CommandLine.Flags.Architecture("backbone of the trained classifier", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        StageFlags.Mode(flags, "BatchNorm mode the classifier was built with", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Required("tag", "the classifier's experiment name (experiments/models/TAG.pth)", (o, v) => o with { Tag = v });
        flags.Optional("checkpoint", "the classifier's weights (default: experiments/models/TAG.pth)", (o, v) => o with { Checkpoint = v });
        StageFlags.PerImage(flags, "split to infer (the reference's README uses train_aug)");
        StageFlags.Scales(flags, o => o.Scales, (o, v) => o with { Scales = v });
        StageFlags.Model(flags, "the CAMs");
        return PerImageCommand.Create(flags, "inference-classification",
            "Stage 2: multi-scale, flipped CAMs of every image of a split, one .npz per image (keys, cam, hr_cam); resumable.",
            (o, progress, cancel) => CamInferenceRunner.Run(o, progress, cancel), o => PerImageCommand.Evaluate(o, o.ExperimentName, null));
    }
}
