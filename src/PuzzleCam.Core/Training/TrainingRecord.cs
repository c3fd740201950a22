namespace PuzzleCam.Training;

/// <summary>
/// One progress event of a training run: the iteration, the section of the training log it belongs to
/// (<see cref="Train"/> or <see cref="Validation"/>) and named scalars such as loss terms, alpha, the learning rate or
/// the CAM mIoU. Trainers report these through <see cref="IProgress{T}"/>, so a console, a log or a live notebook chart
/// can follow a run without knowing the trainer.
/// </summary>
public sealed record TrainingRecord(long Iteration, string Phase, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The phase of per-iteration training scalars (the log's <c>train</c> section).</summary>
    public const string Train = "train";

    /// <summary>The phase of periodic evaluation scalars (the log's <c>validation</c> section).</summary>
    public const string Validation = "validation";
}
