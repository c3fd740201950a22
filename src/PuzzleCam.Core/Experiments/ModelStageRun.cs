namespace PuzzleCam.Experiments;

/// <summary>
/// What a stage that runs a network on every image finds before its loop: the checkpoint it loads, the split's
/// images and the device the network runs on.
/// </summary>
/// <param name="Options">The stage's options, validated.</param>
/// <param name="Checkpoint">The network's weights, which exist.</param>
/// <param name="Dataset">The images of the options' split.</param>
/// <param name="Device">The first device of <c>--gpus</c>.</param>
public sealed record ModelStageRun(ModelStageOptions Options, string Checkpoint, VocDataset Dataset, Device Device)
{
    /// <summary>
    /// Validates <paramref name="options"/>, refuses a missing checkpoint with <paramref name="missingCheckpoint"/>
    /// (what it is and how to make it) after its path, and opens the split.
    /// </summary>
    public static ModelStageRun Open(ModelStageOptions options, string missingCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        var checkpoint = options.CheckpointPath;
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"{checkpoint}: {missingCheckpoint}", checkpoint);
        return new ModelStageRun(options, checkpoint, options.OpenDataset(), Devices.Parse(options.Gpus)[0]);
    }

    /// <summary>
    /// The stage's outputs (<see cref="PerImageOutputs.For"/>) with <c>--max_side</c>, the checkpoint as an input file
    /// and the device, and with <paramref name="recordsStart"/> the time the run started, in the record of the run.
    /// </summary>
    public PerImageOutputs Outputs(string stage, string folder, string extension, IReadOnlyDictionary<string, string> settings, bool recordsStart = true)
    {
        var runInfo = new Dictionary<string, string> { ["domain"] = Options.Domain, ["device"] = Device.ToString() };
        if (recordsStart) runInfo["started_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return PerImageOutputs.For(Options, Dataset, stage, folder, extension, settings) with
        {
            MaxSide = Options.MaxSide,
            InputFiles = new Dictionary<string, string> { ["checkpoint"] = Checkpoint },
            RunInfo = runInfo,
        };
    }

    /// <summary>
    /// <paramref name="model"/> with the weights of <paramref name="checkpoint"/>, on <paramref name="device"/>; a
    /// checkpoint of another network throws naming the file, and the model is disposed.
    /// </summary>
    public static TModel Load<TModel>(TModel model, string checkpoint, Device device) where TModel : nn.Module, IReferenceCheckpoint
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            model.LoadCheckpoint(checkpoint);
            model.to(device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }
}
