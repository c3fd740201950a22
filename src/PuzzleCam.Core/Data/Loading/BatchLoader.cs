using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Data.Loading;

/// <summary>
/// Loads and augments samples on worker threads and hands them out as batches in a fixed order: a bounded,
/// prefetching replacement for PyTorch's DataLoader.
/// </summary>
/// <remarks>
/// <para>Determinism: epoch e visits the samples in the permutation drawn from (seed, e), and sample i of epoch e is loaded
/// with the stream <see cref="SampleStream"/>(seed, e, i). Neither depends on which thread loads it or when, so any
/// worker count yields the same batches in the same order.</para>
/// <para>Memory: the consumer keeps a window of <see cref="BatchLoaderOptions.PrefetchBatches"/> batches; the next batch is
/// scheduled only after one has been collated, so at most that many batches of samples are ever alive.</para>
/// <para>Collation runs on the consuming thread inside <c>MoveNext</c>, so tensors it creates join the caller's dispose
/// scope (TorchSharp's scopes are per thread): open the iteration's scope, then advance the enumerator. Breaking out of the enumeration, disposing it, or cancelling the token stops the workers,
/// and the enumerator's disposal waits for them to finish before it returns.</para>
/// </remarks>
public sealed class BatchLoader<TSample, TBatch>
{
    private readonly Func<int, RandomSource, TSample> _loadSample;
    private readonly Func<IReadOnlyList<TSample>, TBatch> _collate;

    /// <param name="count">Number of samples in the dataset (indices 0 .. count-1).</param>
    /// <param name="loadSample">Reads and augments sample <c>index</c> using only the stream it is given; called on worker threads.</param>
    /// <param name="collate">Stacks one batch of samples, in batch order; called on the consuming thread.</param>
    /// <param name="options">Batching, shuffling and parallelism.</param>
    public BatchLoader(int count, Func<int, RandomSource, TSample> loadSample, Func<IReadOnlyList<TSample>, TBatch> collate, BatchLoaderOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options.Validate();
        Count = count;
        Options = options;
        _loadSample = loadSample;
        _collate = collate;
        BatchesPerEpoch = options.DropLast ? count / options.BatchSize : (count + options.BatchSize - 1) / options.BatchSize;
    }

    public int Count { get; }
    public BatchLoaderOptions Options { get; }

    /// <summary>Batches in one pass: floor(count / batch) when dropping the last partial batch, otherwise ceil.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the sample indices.</summary>
    public int[] Order(long epoch)
    {
        if (!Options.Shuffle) return Enumerable.Range(0, Count).ToArray();
        return RandomSource.Derive(Options.Seed, ShuffleStreamTag, epoch).Permutation(Count);
    }

    /// <summary>The augmentation stream of sample <paramref name="index"/> in epoch <paramref name="epoch"/> under <paramref name="seed"/>.</summary>
    public static RandomSource SampleStream(ulong seed, long epoch, int index) => RandomSource.Derive(seed, SampleStreamTag, epoch, index);

    /// <summary>One pass over the data (epoch numbers pick the shuffle and the augmentation streams).</summary>
    public IEnumerable<TBatch> Epoch(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Run((long)epoch * BatchesPerEpoch, ((long)epoch + 1) * BatchesPerEpoch, cancellationToken);
    }

    /// <summary>
    /// An endless stream of batches, reshuffled every pass, as the reference's <c>Iterator</c>: batch number n is batch
    /// n mod <see cref="BatchesPerEpoch"/> of epoch n / <see cref="BatchesPerEpoch"/>. Starting at
    /// <paramref name="startIteration"/> resumes exactly where a run that stopped there would have continued.
    /// </summary>
    public IEnumerable<TBatch> Endless(long startIteration = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startIteration);
        if (BatchesPerEpoch == 0)
            throw new InvalidOperationException($"{Count} samples make no batch of {Options.BatchSize} (DropLast = {Options.DropLast})");
        return Run(startIteration, long.MaxValue, cancellationToken);
    }

    private const long ShuffleStreamTag = 0x5348;
    private const long SampleStreamTag = 0x534D;

    private IEnumerable<TBatch> Run(long first, long end, CancellationToken cancellationToken) =>
        Options.Workers == 0 ? RunInline(first, end, cancellationToken) : RunParallel(first, end, cancellationToken);

    private IEnumerable<TBatch> RunInline(long first, long end, CancellationToken cancellationToken)
    {
        var plan = new Plan(this);
        for (long b = first; b < end; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slot = plan.Slot(b);
            for (int i = 0; i < slot.Samples.Length; i++) slot.Samples[i] = _loadSample(slot.Indices[i], SampleStream(Options.Seed, slot.Epoch, slot.Indices[i]));
            var batch = _collate(slot.Samples);
            slot.Release();
            yield return batch;
        }
    }

    private IEnumerable<TBatch> RunParallel(long first, long end, CancellationToken cancellationToken)
    {
        using var pump = new Pump(this, cancellationToken);
        var plan = new Plan(this);
        var window = new Queue<Slot>();
        long scheduled = first;
        void ScheduleUpTo(long limit)
        {
            for (; scheduled < Math.Min(limit, end); scheduled++)
            {
                var slot = plan.Slot(scheduled);
                window.Enqueue(slot);
                pump.Enqueue(slot);
            }
        }

        ScheduleUpTo(first + Options.PrefetchBatches);
        for (long b = first; b < end; b++)
        {
            var slot = window.Dequeue();
            pump.WaitFor(slot);
            var batch = _collate(slot.Samples);
            slot.Release();
            ScheduleUpTo(b + 1 + Options.PrefetchBatches);
            yield return batch;
        }
    }

    /// <summary>The samples of one batch and the signal that all of them are loaded (or that one failed).</summary>
    private sealed class Slot(long epoch, int[] indices)
    {
        public long Epoch { get; } = epoch;
        public int[] Indices { get; } = indices;
        public TSample[] Samples { get; } = new TSample[indices.Length];
        public ManualResetEventSlim Ready { get; } = new(false);
        public int Remaining = indices.Length;
        public Exception? Error;

        // Lets the samples go once collated, so they are not kept alive while the caller trains on the batch.
        public void Release()
        {
            Array.Clear(Samples);
            Ready.Dispose();
        }
    }

    /// <summary>Maps a global batch number to its epoch and sample indices, keeping the current epoch's order.</summary>
    private sealed class Plan(BatchLoader<TSample, TBatch> loader)
    {
        private long _epoch = -1;
        private int[] _order = [];

        public Slot Slot(long batch)
        {
            long epoch = batch / loader.BatchesPerEpoch;
            if (epoch != _epoch)
            {
                _order = loader.Order(epoch);
                _epoch = epoch;
            }
            int start = (int)(batch % loader.BatchesPerEpoch) * loader.Options.BatchSize;
            int size = Math.Min(loader.Options.BatchSize, loader.Count - start);
            return new Slot(epoch, _order.AsSpan(start, size).ToArray());
        }
    }

    /// <summary>The worker threads and their job queue; disposing stops them and waits until they have exited.</summary>
    /// <remarks>
    /// Workers are dedicated threads that block synchronously on the queue and signal batches through events, so loading
    /// never waits for a free thread-pool thread (a training step or a busy test run can hold them all).
    /// </remarks>
    private sealed class Pump : IDisposable
    {
        private readonly BatchLoader<TSample, TBatch> _loader;
        private readonly CancellationTokenSource _stop;
        // Unbounded in type, bounded in practice: only the consumer's window of batches is ever enqueued.
        private readonly BlockingCollection<(Slot Slot, int Position)> _jobs = new(new ConcurrentQueue<(Slot, int)>());
        private readonly Thread[] _workers;

        public Pump(BatchLoader<TSample, TBatch> loader, CancellationToken cancellationToken)
        {
            _loader = loader;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _workers = new Thread[loader.Options.Workers];
            for (int w = 0; w < _workers.Length; w++)
            {
                // Background threads, so a load stuck in I/O cannot keep the process alive after the consumer is gone.
                _workers[w] = new Thread(Work) { IsBackground = true, Name = $"PuzzleCam loader {w}" };
                _workers[w].Start();
            }
        }

        public void Enqueue(Slot slot)
        {
            for (int i = 0; i < slot.Indices.Length; i++) _jobs.Add((slot, i));
        }

        public void WaitFor(Slot slot)
        {
            slot.Ready.Wait(_stop.Token);
            if (slot.Error is { } error) ExceptionDispatchInfo.Throw(error);
        }

        private void Work()
        {
            var token = _stop.Token;
            try
            {
                foreach (var (slot, position) in _jobs.GetConsumingEnumerable(token))
                {
                    token.ThrowIfCancellationRequested();
                    Load(slot, position);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopping is the normal way out once the consumer is done.
            }
        }

        private void Load(Slot slot, int position)
        {
            if (Volatile.Read(ref slot.Error) is not null) return;
            try
            {
                int index = slot.Indices[position];
                slot.Samples[position] = _loader._loadSample(index, SampleStream(_loader.Options.Seed, slot.Epoch, index));
                if (Interlocked.Decrement(ref slot.Remaining) == 0) slot.Ready.Set();
            }
            catch (Exception e)
            {
                if (Interlocked.CompareExchange(ref slot.Error, e, null) is null) slot.Ready.Set();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _jobs.CompleteAdding();
            foreach (var worker in _workers) worker.Join();
            _jobs.Dispose();
            _stop.Dispose();
        }
    }
}
