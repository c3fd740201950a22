namespace PuzzleCam.Segmentation;

/// <summary>How a segmentation training run picks the model it keeps in <c>models/{tag}.pth</c>.</summary>
public enum CheckpointSelection
{
    /// <summary>
    /// The reference: after every epoch the mIoU on the ground truth of the validation split (<c>--eval_domain</c>), and
    /// the best epoch is kept. The kept model is then chosen on the split it is usually scored on.
    /// </summary>
    ValGt,

    /// <summary>
    /// Every 10th id of the training list (positions 0, 10, 20, ...) is held out of training, and the best epoch by
    /// mIoU against those images' pseudo labels is kept: no pixel ground truth is used.
    /// </summary>
    PseudoHoldout,

    /// <summary>No evaluation; the weights of the last epoch are kept.</summary>
    None,
}

/// <summary>The selections' names, as logs print them and <c>--selection</c> takes them.</summary>
public static class CheckpointSelectionNames
{
    public static string Name(this CheckpointSelection selection) => selection switch
    {
        CheckpointSelection.PseudoHoldout => "pseudo_holdout",
        CheckpointSelection.None => "none",
        _ => "val_gt",
    };
}
