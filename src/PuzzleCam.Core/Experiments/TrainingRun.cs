using System.Text.Json;
using System.Text.Json.Nodes;

namespace PuzzleCam.Experiments;

/// <summary>
/// The files of one training run (stage 1, 4 or 7) under its tag, and the protocol that makes it resumable exactly:
/// the options fingerprint that a resume must match, the weights, optimizer state and iteration saved together, the
/// best model kept by its score, and the logs cut back to the iteration a resume starts from. A finished run keeps its
/// model and a state file that says it finished, not the weights and optimizer state a resume would need: nothing can
/// go on from it (other options are another run), and they are twice the model's size.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    /// <summary>
    /// What a checkpoint records besides weights; TextLogLength and LastLoss are null when the state file holds none,
    /// and a Finished state names no weight files.
    /// </summary>
    private sealed record ResumeState(long Iteration, double BestMiou, double BestThreshold, string Options, long? TextLogLength = null,
        double? LastLoss = null, bool Finished = false);

    private readonly string _fingerprint;
    private readonly FolderLock _lock;
    private readonly long? _resumeTextLength;
    private TrainingLog? _log;

    /// <summary>
    /// Opens the run of <paramref name="tag"/>; when a resume state is there it must have been saved with the same
    /// <paramref name="fingerprint"/> (the options that decide the run's numbers), or the run refuses: two runs' halves
    /// are never stitched together.
    /// </summary>
    public TrainingRun(ExperimentLayout layout, string tag, string fingerprint)
    {
        Layout = layout;
        Tag = tag;
        _fingerprint = fingerprint;
        // One run per tag at a time: a second would interleave its checkpoints and logs with the first one's.
        _lock = FolderLock.Take(ResumeDir, "training " + tag);
        TakenOverFrom = _lock.TakenOverFrom;
        // A run killed while writing left its temporary files in these folders; a rerun is the moment to sweep them.
        foreach (var folder in new[] { Path.GetDirectoryName(ModelPath), ResumeDir, Path.GetDirectoryName(layout.TextLog(tag)), Path.GetDirectoryName(layout.DataLog(tag)) })
            AtomicFile.RemoveStaleTemporaries(folder!);
        var statePath = StatePath;
        if (!File.Exists(statePath)) return;
        ResumeState state;
        try
        {
            state = ReadState(statePath, ResumeDir);
            if (!SameOptions(state.Options, fingerprint))
                throw new OutputFolderConflictException(ResumeDir, $"experiment '{tag}' was started with other options; use another --tag or delete {ResumeDir} to start over");
            if (state.Finished && !File.Exists(ModelPath))
                throw new InvalidDataFileException(ModelPath,
                    $"missing: run '{tag}' finished at iteration {state.Iteration} and kept only this model; delete {ResumeDir} to train it again");
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
        // A run killed between writing its finished state and removing its resume files left them behind.
        if (state.Finished) RemoveAllBut(statePath);
        _resumeTextLength = state.TextLogLength;
        StartIteration = state.Iteration;
        BestMiou = state.BestMiou;
        BestThreshold = state.BestThreshold;
        LastLoss = state.LastLoss ?? double.NaN;
        IsFinished = state.Finished;
        IsResumed = true;
    }

    /// <summary>
    /// Whether two fingerprints name the same options. They are compared as JSON values, since the order of their
    /// properties follows where the options record declares them, which decides no number of the run.
    /// </summary>
    private static bool SameOptions(string saved, string fingerprint)
    {
        if (saved == fingerprint) return true;
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(saved), JsonNode.Parse(fingerprint));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The resume state at <paramref name="path"/>, parsed and range-checked: a file that is not one (cut short,
    /// overwritten, edited) is named with what to do, since nothing can be resumed from it.
    /// </summary>
    private static ResumeState ReadState(string path, string resumeDir)
    {
        string advice = $"delete {resumeDir} to start the run over, or use another --tag";
        ResumeState? state;
        try
        {
            state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataFileException(path, $"not a resume state ({e.Message}); {advice}", e);
        }
        if (state is null || state.Options is null) throw new InvalidDataFileException(path, $"not a resume state (no options fingerprint); {advice}");
        if (state.Iteration < 0) throw new InvalidDataFileException(path, $"iteration {state.Iteration} is negative; {advice}");
        if (!double.IsFinite(state.BestMiou) || state.BestMiou is < -1 or > 100)
            throw new InvalidDataFileException(path, $"best mIoU {state.BestMiou} is not in -1..100; {advice}");
        if (!double.IsFinite(state.BestThreshold) || state.BestThreshold is < 0 or > 1)
            throw new InvalidDataFileException(path, $"best threshold {state.BestThreshold} is not in 0..1; {advice}");
        if (state.TextLogLength is < 0) throw new InvalidDataFileException(path, $"text log length {state.TextLogLength} is negative; {advice}");
        return state;
    }

    /// <summary>The holder of a lock on the run's folder left by a killed run and taken over, or null.</summary>
    public string? TakenOverFrom { get; }

    /// <summary>Releases the run's folder for the next run of the tag.</summary>
    public void Dispose() => _lock.Dispose();

    public ExperimentLayout Layout { get; }

    public string Tag { get; }

    /// <summary>Where the selected model goes: the reference's <c>models/{tag}.pth</c>.</summary>
    public string ModelPath => Layout.Model(Tag);

    /// <summary>The folder of the resume files.</summary>
    public string ResumeDir => Layout.ResumeDir(Tag);

    /// <summary>Whether an earlier run left a state to go on from.</summary>
    public bool IsResumed { get; }

    /// <summary>The iteration training starts from (0 for a new run).</summary>
    public long StartIteration { get; }

    /// <summary>Whether the run left was finished: its model is kept, and there are no weights to resume from.</summary>
    public bool IsFinished { get; }

    /// <summary>The loss of the last step before <see cref="StartIteration"/>; NaN for a new run or a state that holds none.</summary>
    public double LastLoss { get; } = double.NaN;

    /// <summary>The best score so far (-1 before any), and the threshold it was reached at.</summary>
    public double BestMiou { get; private set; } = -1;

    public double BestThreshold { get; private set; }

    /// <summary>Loads the saved weights and optimizer state of a resumed run.</summary>
    public void Restore(IReferenceCheckpoint model, PolyOptimizer optimizer)
    {
        if (!IsResumed || IsFinished) return;
        model.LoadCheckpoint(ModelFile(StartIteration));
        var optimizerPath = OptimizerFile(StartIteration);
        optimizer.LoadState(TorchCheckpoint.Read(optimizerPath), optimizerPath);
    }

    /// <summary>
    /// The run's logs, with what was written after <see cref="StartIteration"/> removed (a killed run's last lines would
    /// otherwise appear twice); <see cref="Save"/> records the text log's length with each checkpoint.
    /// </summary>
    public TrainingLog OpenLog(Action<string>? echo = null)
    {
        _log = new TrainingLog(Layout.TextLog(Tag), Layout.DataLog(Tag), StartIteration, echo, _resumeTextLength);
        if (TakenOverFrom is { } holder) _log.Line($"[i] {Tag}: took over the lock of a run that is no longer running ({holder})");
        return _log;
    }

    /// <summary>Saves <paramref name="model"/> as the run's model when <paramref name="miou"/> beats the best so far.</summary>
    public bool OfferBest(double miou, double threshold, IReferenceCheckpoint model)
    {
        if (!(miou > BestMiou)) return false;
        BestMiou = miou;
        BestThreshold = threshold;
        model.SaveCheckpoint(ModelPath);
        return true;
    }

    /// <summary>
    /// Saves the model as the run's model whatever its score, for stages that keep the last weights (AffinityNet).
    /// </summary>
    public void SaveModel(IReferenceCheckpoint model) => model.SaveCheckpoint(ModelPath);

    /// <summary>
    /// When <paramref name="cancel"/> is set: logs where the run stopped, saves the resume state there, and throws.
    /// The line goes to the log before the save, so that a resumed log, cut back to the saved length, keeps it.
    /// </summary>
    public void StopIfCancelled(TrainingLog log, IReferenceCheckpoint model, PolyOptimizer optimizer, long iteration, double lastLoss, CancellationToken cancel)
    {
        if (!cancel.IsCancellationRequested) return;
        log.Line($"[i] stopped at iteration {iteration}; a rerun resumes here");
        Save(model, optimizer, iteration, lastLoss);
        cancel.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Runs <paramref name="work"/> (the wait for the next batch, before the step of <paramref name="iteration"/>) so
    /// that a cancellation inside it stops the run as <see cref="StopIfCancelled"/> does: the state the model holds
    /// then is saved before the cancellation goes on, so Ctrl+C while the loader works loses no finished iteration. A
    /// cancelled validation is not wrapped: its iteration's score would be missing from a run resumed there, so that
    /// run goes on from the checkpoint before it.
    /// </summary>
    public T SavingOnCancel<T>(Func<T> work, TrainingLog log, IReferenceCheckpoint model, PolyOptimizer optimizer, long iteration, double lastLoss,
        CancellationToken cancel)
    {
        try
        {
            return work();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            StopIfCancelled(log, model, optimizer, iteration, lastLoss, cancel);
            throw;
        }
    }

    /// <summary>
    /// Saves what a resume at <paramref name="iteration"/> needs. Weights and optimizer go to files named by their
    /// iteration, the state file that names that iteration is replaced last, and only then are older files removed:
    /// whenever the process dies, the state file and the files it names belong together.
    /// </summary>
    public void Save(IReferenceCheckpoint model, PolyOptimizer optimizer, long iteration, double lastLoss)
    {
        Directory.CreateDirectory(ResumeDir);
        var modelPath = ModelFile(iteration);
        var optimizerPath = OptimizerFile(iteration);
        model.SaveCheckpoint(modelPath);
        TorchCheckpoint.Write(optimizerPath, optimizer.StateDict());
        WriteState(iteration, lastLoss, finished: false);
        RemoveAllBut(modelPath, optimizerPath, StatePath);
    }

    /// <summary>
    /// Records that the run ended at its last iteration, <paramref name="iteration"/>, and removes its resume weights:
    /// the state file is replaced first, so a process that dies in between leaves a finished run, whose leftover files
    /// the next open removes.
    /// </summary>
    public void Finish(long iteration, double lastLoss)
    {
        Directory.CreateDirectory(ResumeDir);
        WriteState(iteration, lastLoss, finished: true);
        RemoveAllBut(StatePath);
    }

    private void WriteState(long iteration, double lastLoss, bool finished) =>
        AtomicFile.WriteAllText(StatePath, JsonSerializer.Serialize(new ResumeState(iteration, BestMiou, BestThreshold, _fingerprint, _log?.TextLength,
            double.IsFinite(lastLoss) ? lastLoss : null, finished)));

    /// <summary>Deletes every file of the resume folder but <paramref name="kept"/> and the folder's lock.</summary>
    private void RemoveAllBut(params string[] kept)
    {
        var keep = new HashSet<string>(kept.Append(Path.Combine(ResumeDir, FolderLock.FileName)).Select(Path.GetFullPath));
        foreach (var stale in Directory.GetFiles(ResumeDir).Where(f => !keep.Contains(Path.GetFullPath(f))))
            File.Delete(stale);
    }

    private string StatePath => Path.Combine(ResumeDir, "state.json");

    private string ModelFile(long iteration) => Path.Combine(ResumeDir, $"model-{iteration}.pth");

    private string OptimizerFile(long iteration) => Path.Combine(ResumeDir, $"optimizer-{iteration}.pth");
}
