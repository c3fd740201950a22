namespace PuzzleCam.Experiments;

/// <summary>
/// The settings of a per-image stage that runs a trained network on every image (CAMs, the random walk's edges,
/// segmentation): where the network runs, which checkpoint it loads and how large an image it takes.
/// </summary>
public abstract record ModelStageOptions : PerImageStageOptions
{
    /// <param name="domain">The script's <c>--domain</c> default.</param>
    protected ModelStageOptions(string domain) : base(domain)
    {
    }

    /// <summary>
    /// <c>--gpus</c>: the CUDA device to run on ("0"; the first of a list is used, as the reference runs inference on
    /// one GPU), "cpu" for the CPU; unset: the first CUDA device when there is one, else the CPU.
    /// </summary>
    public string? Gpus { get; init; }

    /// <summary>
    /// <c>--max_side</c>: an image whose longer side exceeds it is run on a copy shrunk to it, and what the stage writes
    /// is resized back to the image's size; null (the reference) runs every image at its own size, and refuses one
    /// that would not fit in memory (<see cref="LargeImages"/>).
    /// </summary>
    public int? MaxSide { get; init; }

    /// <summary>The network's weights the stage loads.</summary>
    public abstract string CheckpointPath { get; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (LargeImages.MaxSideProblem(MaxSide) is { } side) throw new BadInputException(side);
    }
}
