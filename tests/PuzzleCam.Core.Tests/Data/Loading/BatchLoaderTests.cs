using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Loading;

public class BatchLoaderTests
{
    private readonly record struct Item(int Index, ulong Draw);

    private static BatchLoader<Item, Item[]> Loader(int count, BatchLoaderOptions options) =>
        new(count, (index, rng) => new Item(index, rng.NextUInt64()), batch => batch.ToArray(), options);

    private static List<Item[]> Take(IEnumerable<Item[]> batches, int n) => batches.Take(n).ToList();

    [Fact]
    public void SameBatchesWhateverTheWorkerCount()
    {
        var options = new BatchLoaderOptions { BatchSize = 4, Seed = 11, PrefetchBatches = 3, DropLast = false };
        var reference = Take(Loader(23, options with { Workers = 0 }).Endless(), 20);
        foreach (int workers in new[] { 1, 4 })
        {
            var actual = Take(Loader(23, options with { Workers = workers }).Endless(), 20);
            Assert.Equal(reference.Count, actual.Count);
            for (int b = 0; b < reference.Count; b++) Assert.Equal(reference[b], actual[b]);
        }
    }

    [Fact]
    public void EachEpochVisitsEverySampleOnceInItsOwnOrder()
    {
        var loader = Loader(10, new BatchLoaderOptions { BatchSize = 4, DropLast = false, Workers = 2, Seed = 3 });
        Assert.Equal(3, loader.BatchesPerEpoch);
        var epoch0 = loader.Epoch(0).ToList();
        var epoch1 = loader.Epoch(1).ToList();
        Assert.Equal([4, 4, 2], epoch0.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), epoch0.SelectMany(b => b).Select(i => i.Index).Order());
        Assert.Equal(Enumerable.Range(0, 10), epoch1.SelectMany(b => b).Select(i => i.Index).Order());
        Assert.NotEqual(epoch0.SelectMany(b => b).Select(i => i.Index), epoch1.SelectMany(b => b).Select(i => i.Index));
        Assert.Equal(loader.Order(1), epoch1.SelectMany(b => b).Select(i => i.Index));
        // A sample's stream depends on (seed, epoch, index): the same sample draws differently in another epoch.
        Assert.Equal(BatchLoader<Item, Item[]>.SampleStream(3, 1, 7).NextUInt64(), epoch1.SelectMany(b => b).Single(i => i.Index == 7).Draw);
    }

    [Fact]
    public void WithoutShuffleTheOrderIsTheIndexOrder()
    {
        var loader = Loader(7, new BatchLoaderOptions { BatchSize = 3, Shuffle = false, DropLast = true, Workers = 3 });
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 6), loader.Epoch(4).SelectMany(b => b).Select(i => i.Index));
    }

    [Fact]
    public void EndlessReshufflesEveryPassAndResumesAtAnIteration()
    {
        var loader = Loader(9, new BatchLoaderOptions { BatchSize = 4, Workers = 2, Seed = 5 });
        Assert.Equal(2, loader.BatchesPerEpoch);
        var run = Take(loader.Endless(), 8);
        for (int epoch = 0; epoch < 4; epoch++)
            Assert.Equal(loader.Epoch(epoch).SelectMany(b => b), run.Skip(2 * epoch).Take(2).SelectMany(b => b));
        var resumed = Take(loader.Endless(startIteration: 3), 5);
        for (int b = 0; b < 5; b++) Assert.Equal(run[3 + b], resumed[b]);
        Assert.Throws<InvalidOperationException>(() => Loader(3, new BatchLoaderOptions { BatchSize = 4 }).Endless());
    }

    [Fact]
    public void OnlyThePrefetchWindowOfSamplesIsEverAlive()
    {
        const int batchSize = 3, prefetch = 2;
        int alive = 0, maxAlive = 0, loaded = 0, active = 0, maxActive = 0;
        int collated = 0;
        var loader = new BatchLoader<int, int>(60,
            (index, _) =>
            {
                int now = Interlocked.Increment(ref active);
                InterlockedMax(ref maxActive, now);
                InterlockedMax(ref maxAlive, Interlocked.Increment(ref alive));
                Interlocked.Increment(ref loaded);
                Thread.Sleep(2);
                Interlocked.Decrement(ref active);
                return index;
            },
            batch =>
            {
                // Batches ahead of this one that have started loading stay within the window.
                Assert.True(Volatile.Read(ref loaded) <= (collated + prefetch) * batchSize);
                collated++;
                Interlocked.Add(ref alive, -batch.Count);
                return batch.Count;
            },
            new BatchLoaderOptions { BatchSize = batchSize, PrefetchBatches = prefetch, Workers = 4 });
        foreach (var _ in loader.Epoch(0)) Thread.Sleep(1);
        Assert.Equal(20, collated);
        Assert.InRange(maxAlive, 1, prefetch * batchSize);
        Assert.InRange(maxActive, 2, 4);
    }

    [Fact]
    public void BreakingOutStopsTheWorkers()
    {
        int loaded = 0, active = 0;
        var loader = new BatchLoader<int, int>(1000,
            (index, _) => { Interlocked.Increment(ref active); Interlocked.Increment(ref loaded); Thread.Sleep(1); Interlocked.Decrement(ref active); return index; },
            batch => batch.Count,
            new BatchLoaderOptions { BatchSize = 4, PrefetchBatches = 2, Workers = 4 });
        int batches = 0;
        foreach (var _ in loader.Endless())
            if (++batches == 3) break;
        Assert.Equal(0, Volatile.Read(ref active));
        int after = Volatile.Read(ref loaded);
        Thread.Sleep(30);
        Assert.Equal(after, Volatile.Read(ref loaded));
        Assert.True(after <= (3 + 2) * 4);
    }

    [Fact]
    public void CancellationEndsTheEnumerationAndStopsTheWorkers()
    {
        using var cts = new CancellationTokenSource();
        int loaded = 0, active = 0, batches = 0;
        var loader = new BatchLoader<int, int>(1000,
            (index, _) => { Interlocked.Increment(ref active); Interlocked.Increment(ref loaded); Thread.Sleep(2); Interlocked.Decrement(ref active); return index; },
            batch => batch.Count,
            new BatchLoaderOptions { BatchSize = 4, Workers = 2 });
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in loader.Endless(cancellationToken: cts.Token))
                if (++batches == 2) cts.Cancel();
        });
        Assert.Equal(2, batches);
        Assert.Equal(0, Volatile.Read(ref active));
        int after = Volatile.Read(ref loaded);
        Thread.Sleep(30);
        Assert.Equal(after, Volatile.Read(ref loaded));
    }

    [Fact]
    public void ASampleThatFailsToLoadFailsItsBatchWithTheOriginalException()
    {
        var loader = new BatchLoader<int, int>(12,
            (index, _) => index == 6 ? throw new InvalidDataFileException("bad/6.jpg", "corrupt") : index,
            batch => batch.Count,
            new BatchLoaderOptions { BatchSize = 4, Shuffle = false, Workers = 3 });
        int seen = 0;
        var e = Assert.Throws<InvalidDataFileException>(() => { foreach (var _ in loader.Epoch(0)) seen++; });
        Assert.StartsWith("bad/6.jpg", e.Message);
        Assert.Equal(1, seen);
    }

    [Fact]
    public void BadOptionsNameTheOption()
    {
        var e = Assert.Throws<ArgumentException>(() => Loader(5, new BatchLoaderOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Loader(5, new BatchLoaderOptions { PrefetchBatches = 0 }));
        Assert.Equal("PrefetchBatches", e.ParamName);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
