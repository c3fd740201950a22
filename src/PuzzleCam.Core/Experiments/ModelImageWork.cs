namespace PuzzleCam.Experiments;

/// <summary>
/// The work of a stage that runs a network on every image (<see cref="PerImageStage.RunWithPrefetch"/>): it owns the
/// network, loaded from the run's checkpoint onto its device, and reads each image as <see cref="LargeImages"/> lets
/// the network take it.
/// </summary>
/// <typeparam name="TModel">The network.</typeparam>
/// <typeparam name="TInput">What <see cref="Read"/> hands to <see cref="Process"/>.</typeparam>
public abstract class ModelImageWork<TModel, TInput> : IImageWork<TInput>, IDisposable where TModel : nn.Module, Models.IReferenceCheckpoint
{
    private readonly int? _maxSide;

    /// <param name="model">The network, which this work loads and then owns (disposed on a failed load).</param>
    /// <param name="run">The checkpoint, split and device.</param>
    protected ModelImageWork(TModel model, ModelStageRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Model = ModelStageRun.Load(model, run.Checkpoint, run.Device);
        Dataset = run.Dataset;
        _maxSide = run.Options.MaxSide;
    }

    /// <summary>The network on its device.</summary>
    protected TModel Model { get; }

    /// <summary>The split's images.</summary>
    protected VocDataset Dataset { get; }

    /// <inheritdoc/>
    public abstract TInput Read(string id);

    /// <inheritdoc/>
    public abstract void Process(string id, TInput input, string outputPath);

    /// <summary>
    /// Image <paramref name="id"/> checked and shrunk for a network whose largest scale is
    /// <paramref name="largestScale"/> (<see cref="LargeImages.Read"/>), with the image's own size.
    /// </summary>
    protected (RgbImage Image, int Width, int Height) ReadImage(string id, double largestScale) => LargeImages.Read(Dataset, id, largestScale, _maxSide);

    /// <summary>Disposes the network.</summary>
    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
