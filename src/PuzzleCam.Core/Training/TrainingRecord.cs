namespace PuzzleCam.Training;

/// <summary>
/// One event of a training run as its logs record it: the iteration (1-based, as the reference's JSON), the phase
/// ("train" or "validation") and its named values (loss terms, learning rate, alpha, mIoU, ...).
/// </summary>
public sealed record TrainingRecord(long Iteration, string Phase, IReadOnlyDictionary<string, double> Values);
