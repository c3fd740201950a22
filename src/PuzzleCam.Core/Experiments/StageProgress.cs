namespace PuzzleCam.Experiments;

/// <summary>
/// Where a long loop stands: items done (those a resumed run found finished included) of the total. A stage reports
/// its own total, so a caller can draw a progress bar without opening the dataset.
/// </summary>
public readonly record struct StageProgress(int Done, int Total);
