using PuzzleCam.Cli.Commands;

namespace PuzzleCam.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Runtime.NativeAllocator.PreloadAndRestart();
        return CliApp.Run(BuildRoot(), args);
    }

    internal static RootCommand BuildRoot() => new("puzzlecam: Puzzle-CAM weakly-supervised semantic segmentation, every stage of the reference pipeline. " + CliApp.ExitCodes)
    {
        InfoCommand.Create(),
        DataCommands.CheckData(),
        DataCommands.MakeTrainAug(),
        PipelineCommands.MakeSynthetic(),
        PipelineCommands.Reproduce(),
        PipelineCommands.Ablation(),
        TrainClassificationCommands.Baseline(),
        TrainClassificationCommands.WithPuzzle(),
        InferenceClassificationCommand.Create(),
        AffinityCommands.MakeAffinityLabels(),
        AffinityCommands.TrainAffinityNet(),
        AffinityCommands.InferenceRw(),
        AffinityCommands.MakePseudoLabels(),
        SegmentationCommands.Train(),
        SegmentationCommands.Inference(),
        EvaluateCommand.Create(),
        BenchCommands.Create(),
    };
}
