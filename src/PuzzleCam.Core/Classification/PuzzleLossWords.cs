namespace PuzzleCam.Classification;

/// <summary>
/// The reference's words for the loss settings (<c>--level</c>, <c>--re_loss</c>, <c>--re_loss_option</c>), as its
/// flags take them and as the ablation's row names and tags print them.
/// </summary>
public static class PuzzleLossWords
{
    public static readonly IReadOnlyList<(string Word, LossLevel Value)> Levels = [("feature", LossLevel.Feature), ("cam", LossLevel.Cam)];

    public static readonly IReadOnlyList<(string Word, ReconstructionDistance Value)> Distances =
        [("L1_Loss", ReconstructionDistance.L1), ("L2_Loss", ReconstructionDistance.L2)];

    public static readonly IReadOnlyList<(string Word, ReconstructionSelection Value)> Selections =
        [("masking", ReconstructionSelection.Masking), ("selection", ReconstructionSelection.Selection), ("none", ReconstructionSelection.None)];

    public static string Of(LossLevel level) => Levels.First(w => w.Value == level).Word;

    public static string Of(ReconstructionDistance distance) => Distances.First(w => w.Value == distance).Word;

    public static string Of(ReconstructionSelection selection) => Selections.First(w => w.Value == selection).Word;
}
