using PuzzleCam.Data.Synthetic;

namespace PuzzleCam.Pipeline;

/// <summary>The stages <c>puzzlecam reproduce</c> chains, in pipeline order; each can be switched off by name.</summary>
[Flags]
public enum PipelineStages
{
    None = 0,

    /// <summary>Make the synthetic dataset when it is missing (synthetic preset), then read every file of the splits once.</summary>
    Data = 1,

    All = Data,
}

/// <summary>Options of the whole-pipeline driver. Defaults are the synthetic preset: a fresh machine, no download.</summary>
public sealed record ReproduceOptions
{
    /// <summary>The dataset root. With <see cref="Synthetic"/> set it is generated there when missing.</summary>
    public string DataDir { get; init; } = Path.Combine("datasets", "synthetic");

    /// <summary>The synthetic dataset to generate, or null to use an existing VOC root as it is.</summary>
    public SyntheticOptions? Synthetic { get; init; } = new();

    /// <summary>The stages to run.</summary>
    public PipelineStages Stages { get; init; } = PipelineStages.All;

    /// <summary>Training split (the reference's train_aug).</summary>
    public string TrainDomain { get; init; } = "train_aug";

    /// <summary>Evaluation split with masks.</summary>
    public string EvalDomain { get; init; } = "val";

    /// <summary>Skip unreadable images with a report instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }
}
