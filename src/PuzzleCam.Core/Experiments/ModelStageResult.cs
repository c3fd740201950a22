namespace PuzzleCam.Experiments;

/// <summary>What a run of a stage that runs a network on every image did.</summary>
/// <param name="ExperimentName">The reference's name of the run (the folder's name).</param>
/// <param name="PredictionDir">The folder of the per-image files.</param>
/// <param name="Device">Where the network ran.</param>
/// <param name="Images">Ids in the split.</param>
/// <param name="Written">Files computed by this run.</param>
/// <param name="Skipped">Ids whose file was already there (a resumed run).</param>
/// <param name="Elapsed">Wall time of the run, loading included.</param>
public abstract record ModelStageResult(string ExperimentName, string PredictionDir, string Device, int Images, int Written, int Skipped, TimeSpan Elapsed)
{
    /// <summary>What <paramref name="run"/>'s loop did (<paramref name="done"/>) in the folder named <paramref name="experimentName"/>.</summary>
    protected ModelStageResult(string experimentName, ModelStageRun run, PerImageResult done)
        : this(experimentName, done.Folder, run.Device.ToString(), done.Images, done.Written, done.Skipped, done.Elapsed)
    {
    }

    /// <summary>The loop's summary (<see cref="PerImageResult"/>) and the device.</summary>
    public sealed override string ToString() =>
        new PerImageResult(PredictionDir, Images, Written, Skipped, Elapsed).ToString() + " on " + Device;
}
