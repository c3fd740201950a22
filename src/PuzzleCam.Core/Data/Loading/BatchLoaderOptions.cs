namespace PuzzleCam.Data.Loading;

/// <summary>
/// Batching, shuffling and parallelism of a <see cref="BatchLoader{TSample, TBatch}"/>. The defaults are the
/// reference's training loaders (batch 32, shuffled, last partial batch dropped, 4 workers, seed 0).
/// </summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Samples per batch (<c>--batch_size</c>).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Visit the samples in a fresh seeded permutation every epoch; otherwise in index order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop the last batch of an epoch when it is smaller than <see cref="BatchSize"/> (the reference's training loaders do).</summary>
    public bool DropLast { get; init; } = true;

    /// <summary>Threads loading samples (<c>--num_workers</c>); 0 loads on the consuming thread.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>
    /// Batches loaded ahead of the consumer, the one being collated included. Only this many batches of samples are
    /// ever alive, however large the dataset.
    /// </summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Seed of the per-epoch shuffles and of every sample's augmentation stream (<c>--seed</c>).</summary>
    public ulong Seed { get; init; }

    /// <summary>Fails with the offending option's name.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}", nameof(BatchSize));
        if (Workers < 0) throw new ArgumentException($"Workers must not be negative, got {Workers}", nameof(Workers));
        if (PrefetchBatches <= 0) throw new ArgumentException($"PrefetchBatches must be positive, got {PrefetchBatches}", nameof(PrefetchBatches));
    }
}
