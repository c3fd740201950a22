using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace PuzzleCam.Experiments;

/// <summary>
/// The output folder of a per-image stage: one file per id, and the record (<see cref="OutputProvenance"/>) of the
/// options that made them, so that a rerun with other options refuses instead of mixing files.
/// </summary>
public sealed record PerImageOutputs
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>The stage's name in the folder's record (the command's name).</summary>
    public required string Stage { get; init; }

    /// <summary>The folder the files go to.</summary>
    public required string Folder { get; init; }

    /// <summary>The files' extension with its dot (<c>.npz</c>, <c>.png</c>).</summary>
    public required string Extension { get; init; }

    /// <summary>The ids to produce, in order.</summary>
    public required IReadOnlyList<string> Ids { get; init; }

    /// <summary>Every setting the outputs depend on, as text; a rerun that differs in one refuses.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = None;

    /// <summary>Input files (a checkpoint) whose content the outputs depend on, by role; compared by hash.</summary>
    public IReadOnlyDictionary<string, string> InputFiles { get; init; } = None;

    /// <summary>
    /// The flag whose value names the folder (<c>--tag</c>, <c>--model_name</c>), offered when the folder refuses a run
    /// with other options; null when the command has none, as where the folder's name is made of its inputs' names.
    /// </summary>
    public string? NamedBy { get; init; } = "--tag";

    /// <summary>
    /// <c>--max_side</c> of a stage that shrinks large images (<see cref="LargeImages"/>): a setting like the others,
    /// recorded only when given, so that a folder made without it keeps its record.
    /// </summary>
    public int? MaxSide { get; init; }

    /// <summary><see cref="Settings"/> with <see cref="MaxSide"/> when it is given: what the folder's record holds.</summary>
    internal IReadOnlyDictionary<string, string> RecordedSettings =>
        MaxSide is { } side ? new Dictionary<string, string>(Settings) { ["max_side"] = side.ToString(CultureInfo.InvariantCulture) } : Settings;

    /// <summary>What the last run was (device, split, time); recorded, never compared.</summary>
    public IReadOnlyDictionary<string, string> RunInfo { get; init; } = None;

    /// <summary>The file of one id.</summary>
    public string PathOf(string id) => Path.Combine(Folder, id + Extension);

    /// <summary>
    /// The outputs of a stage over <paramref name="dataset"/>'s ids: <paramref name="settings"/> with the VOC root the
    /// images come from, and the split in the record of the run.
    /// </summary>
    public static PerImageOutputs For(PerImageStageOptions options, VocDataset dataset, string stage, string folder, string extension,
        IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dataset);
        return new PerImageOutputs
        {
            Stage = stage,
            Folder = folder,
            Extension = extension,
            Ids = dataset.Ids,
            Settings = new Dictionary<string, string>(settings) { ["data_dir"] = options.Layout.Portable(dataset.Root) },
            RunInfo = new Dictionary<string, string> { ["domain"] = options.Domain },
        };
    }
}

/// <summary>What a per-image stage did.</summary>
/// <param name="Folder">The output folder.</param>
/// <param name="Images">Ids asked for.</param>
/// <param name="Written">Files this run computed.</param>
/// <param name="Skipped">Ids whose file was already there (a resumed run).</param>
/// <param name="Elapsed">Wall time, loading included.</param>
/// <param name="Note">What the run found and handled on its way, such as a lock of a killed run taken over; null when nothing.</param>
public sealed record PerImageResult(string Folder, int Images, int Written, int Skipped, TimeSpan Elapsed, string? Note = null)
{
    public override string ToString()
    {
        var rate = Written > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Elapsed.TotalSeconds / Written:F3} s/image") : "";
        var note = Note is null ? "" : $" ({Note})";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Folder}: {Written} written, {Skipped} already there, of {Images} images; {Elapsed.TotalSeconds:F1} s{rate}{note}");
    }
}

/// <summary>The work of a stage on one image: reading its inputs, then computing and writing its output.</summary>
/// <typeparam name="TInput">What <see cref="Read"/> hands to <see cref="Process"/>.</typeparam>
public interface IImageWork<TInput>
{
    /// <summary>Reads and prepares the inputs of <paramref name="id"/>; may run on another thread than <see cref="Process"/>.</summary>
    TInput Read(string id);

    /// <summary>Computes the output of one image and writes it to <paramref name="outputPath"/> atomically.</summary>
    void Process(string id, TInput input, string outputPath);
}

/// <summary>
/// The one loop of every per-image stage (CAMs, affinity labels, random walk, pseudo labels, segmentation, evaluation):
/// it locks the output folder against a second writer (<see cref="FolderLock"/>), claims it, skips the ids whose file
/// exists whole (so an interrupted run resumes), reports <see cref="StageProgress"/>, and runs the work either beside a
/// model — one image at a time on the calling thread while a reader thread prepares the next — or on parallel CPU
/// workers, each with its own state. Each image's tensors live in their own dispose scope, so memory stays flat over
/// any number of images.
/// </summary>
public static class PerImageStage
{
    /// <summary>
    /// Runs <paramref name="start"/>'s work one image at a time on the calling thread (where a model's device work
    /// belongs) while a worker thread reads the next image. <paramref name="start"/> is called only when an id is
    /// pending (loading a model for nothing costs seconds), and the folder's record is written only once it has
    /// succeeded: a checkpoint that fails to load never pins the folder.
    /// </summary>
    public static PerImageResult RunWithPrefetch<TInput>(PerImageOutputs outputs, Func<IImageWork<TInput>> start,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var run = StageRun.Begin(outputs, progress);
        var pending = run.Pending;
        int total = outputs.Ids.Count, skipped = total - pending.Count;
        if (pending.Count == 0) return run.Result();

        var work = start();
        try
        {
            run.Provenance.Write(outputs.Folder);
            Task<TInput>? next = Task.Run(() => work.Read(pending[0]), cancel);
            try
            {
                for (int i = 0; i < pending.Count; i++)
                {
                    var input = next!.GetAwaiter().GetResult();
                    cancel.ThrowIfCancellationRequested();
                    int following = i + 1;
                    next = following < pending.Count ? Task.Run(() => work.Read(pending[following]), cancel) : null;
                    NativeAllocator.Release();
                    using (NewDisposeScope()) work.Process(pending[i], input, outputs.PathOf(pending[i]));
                    progress?.Report(new StageProgress(skipped + i + 1, total));
                }
            }
            finally
            {
                // A failed or cancelled run leaves no reader behind it, and the reader's own failure is observed.
                if (next is not null)
                {
                    Task.WaitAny(next);
                    _ = next.Exception;
                }
            }
        }
        finally
        {
            (work as IDisposable)?.Dispose();
        }
        return run.Result();
    }

    /// <summary>
    /// Runs the work on <paramref name="workers"/> threads, each with its own work object from
    /// <paramref name="createWorker"/> (its own buffers, e.g. a dense CRF), reading and processing one id at a time.
    /// </summary>
    public static PerImageResult RunInParallel<TInput>(PerImageOutputs outputs, Func<IImageWork<TInput>> createWorker, int workers,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(createWorker);
        using var run = StageRun.Begin(outputs, progress);
        if (run.Pending.Count == 0) return run.Result();

        var first = createWorker();
        run.Provenance.Write(outputs.Folder);
        var spare = new ConcurrentBag<IImageWork<TInput>>([first]);
        var made = new ConcurrentBag<IImageWork<TInput>>([first]);
        try
        {
            ForEach(run.Pending, () =>
            {
                if (spare.TryTake(out var w)) return w;
                w = createWorker();
                made.Add(w);
                return w;
            }, (w, id) => w.Process(id, w.Read(id), outputs.PathOf(id)), workers, progress, cancel, outputs.Ids.Count - run.Pending.Count, outputs.Ids.Count, spare.Add);
        }
        finally
        {
            foreach (var w in made) (w as IDisposable)?.Dispose();
        }
        return run.Result();
    }

    /// <summary>
    /// Calls <paramref name="body"/> for every id on up to <paramref name="workers"/> threads, each with its own state,
    /// each call in its own dispose scope. The first failure is rethrown as itself (it names the file), not wrapped.
    /// Progress counts from <paramref name="alreadyDone"/> to <paramref name="total"/> (default: the ids' count).
    /// <paramref name="release"/> gets each state back when its thread's share of the loop ends: the parallel loop may
    /// start fresh threads during a run, and handing states back lets them reuse the buffers instead of making new ones.
    /// </summary>
    public static void ForEach<TState>(IReadOnlyList<string> ids, Func<TState> createState, Action<TState, string> body, int workers,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default, int alreadyDone = 0, int total = -1,
        Action<TState>? release = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(body);
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one worker");
        if (total < 0) total = alreadyDone + ids.Count;
        int done = alreadyDone;
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel };
        try
        {
            Parallel.ForEach(ids, options, createState, (id, _, state) =>
            {
                using (NewDisposeScope()) body(state, id);
                progress?.Report(new StageProgress(Interlocked.Increment(ref done), total));
                return state;
            }, state => release?.Invoke(state));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>
    /// One run of a stage from its start: the folder's lock held, the folder claimed (its record made, not yet
    /// written), and the ids whose file is missing or cut short.
    /// </summary>
    private sealed class StageRun : IDisposable
    {
        private readonly long _clock = Stopwatch.GetTimestamp();
        private readonly PerImageOutputs _outputs;
        private readonly FolderLock _lock;

        private StageRun(PerImageOutputs outputs, FolderLock folderLock, OutputProvenance provenance, List<string> pending)
        {
            _outputs = outputs;
            _lock = folderLock;
            Provenance = provenance;
            Pending = pending;
        }

        public OutputProvenance Provenance { get; }

        public List<string> Pending { get; }

        public static StageRun Begin(PerImageOutputs outputs, IProgress<StageProgress>? progress)
        {
            ArgumentNullException.ThrowIfNull(outputs);
            var folderLock = FolderLock.Take(outputs.Folder, outputs.Stage);
            try
            {
                var provenance = OutputProvenance.Claim(outputs.Folder, "*" + outputs.Extension, outputs.Stage, outputs.RecordedSettings, outputs.InputFiles, outputs.RunInfo, outputs.NamedBy);
                AtomicFile.RemoveStaleTemporaries(outputs.Folder);
                // A file cut short (copied in part, a full disk) is redone, not counted as done.
                var pending = outputs.Ids.Where(id => !CompleteFile.IsComplete(outputs.PathOf(id))).ToList();
                progress?.Report(new StageProgress(outputs.Ids.Count - pending.Count, outputs.Ids.Count));
                return new StageRun(outputs, folderLock, provenance, pending);
            }
            catch
            {
                folderLock.Dispose();
                throw;
            }
        }

        /// <summary>What the run did once every pending id is written.</summary>
        public PerImageResult Result()
        {
            var note = _lock.TakenOverFrom is { } holder ? $"took over the lock of a run that is no longer running: {holder}" : null;
            int total = _outputs.Ids.Count;
            return new PerImageResult(_outputs.Folder, total, Pending.Count, total - Pending.Count, Stopwatch.GetElapsedTime(_clock), note);
        }

        public void Dispose() => _lock.Dispose();
    }
}
