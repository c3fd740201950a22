using System.Runtime.InteropServices;

namespace PuzzleCam.Affinity;

/// <summary>What a pixel pair of the path index teaches AffinityNet.</summary>
public enum AffinityPairKind : byte
{
    /// <summary>Either end is ignored (255) or outside the classes: no loss.</summary>
    Ignored = 0,

    /// <summary>Both ends background: high affinity wanted.</summary>
    BackgroundPositive = 1,

    /// <summary>Both ends the same class: high affinity wanted.</summary>
    ForegroundPositive = 2,

    /// <summary>The ends differ: low affinity wanted.</summary>
    Negative = 3,
}

/// <summary>
/// The reference's <c>GetAffinityLabelFromIndices</c>: for every (direction, source) pair of a
/// <see cref="PathIndex"/>, whether the label map's two ends make a background-positive, foreground-positive or
/// negative pair, or none (either end 255 or any value of 21 and above). One byte per pair here; the float masks the
/// loss takes are made per batch by <see cref="Collate"/>.
/// </summary>
public sealed class AffinityLabelsFromMask
{
    /// <summary>Labels below this are valid classes (0 background, 1..20 VOC classes).</summary>
    public const int ClassCount = 21;

    private static readonly Scalar BackgroundKind = ((int)AffinityPairKind.BackgroundPositive).ToScalar();
    private static readonly Scalar ForegroundKind = ((int)AffinityPairKind.ForegroundPositive).ToScalar();
    private static readonly Scalar NegativeKind = ((int)AffinityPairKind.Negative).ToScalar();

    public AffinityLabelsFromMask(PathIndex pathIndex)
    {
        PathIndex = pathIndex ?? throw new ArgumentNullException(nameof(pathIndex));
    }

    public PathIndex PathIndex { get; }

    /// <summary>Pairs per label map: directions × sources.</summary>
    public long PairCount => PathIndex.DirectionCount * PathIndex.SourceCount;

    /// <summary>The pair kinds [directions, sources] of a label map the size of the path index's map (128×128 in training).</summary>
    public AffinityPairKind[] Compute(LabelMap mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Height != PathIndex.Height || mask.Width != PathIndex.Width)
            throw new ArgumentException($"the label map is {mask.Height}x{mask.Width} but the path index addresses {PathIndex.Height}x{PathIndex.Width}", nameof(mask));
        var labels = mask.Labels;
        var sources = PathIndex.SourceIndices;
        var destinations = PathIndex.DestinationIndices;
        long n = sources.Length;
        var kinds = new AffinityPairKind[destinations.Length];
        for (long d = 0; d < PathIndex.DirectionCount; d++)
        {
            long row = d * n;
            for (long i = 0; i < n; i++)
            {
                byte from = labels[sources[i]], to = labels[destinations[row + i]];
                kinds[row + i] = from >= ClassCount || to >= ClassCount ? AffinityPairKind.Ignored
                    : from != to ? AffinityPairKind.Negative
                    : from == 0 ? AffinityPairKind.BackgroundPositive
                    : AffinityPairKind.ForegroundPositive;
            }
        }
        return kinds;
    }

    /// <summary>
    /// The three float32 masks [B, directions, sources] of a batch of pair kinds (each from <see cref="Compute"/>), as
    /// the reference's loader stacks its <c>bg_pos</c>, <c>fg_pos</c> and <c>neg</c> labels.
    /// </summary>
    public AffinityMasks Collate(IReadOnlyList<AffinityPairKind[]> batch, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("empty batch", nameof(batch));
        long pairs = PairCount;
        var all = new byte[batch.Count * pairs];
        for (int b = 0; b < batch.Count; b++)
        {
            if (batch[b].Length != pairs) throw new ArgumentException($"sample {b} has {batch[b].Length} pairs, expected {pairs}", nameof(batch));
            MemoryMarshal.AsBytes(batch[b].AsSpan()).CopyTo(all.AsSpan((int)(b * pairs)));
        }
        using var scope = NewDisposeScope();
        var kinds = tensor(all, [batch.Count, PathIndex.DirectionCount, PathIndex.SourceCount]);
        if (device is not null) kinds = kinds.to(device);
        var masks = new AffinityMasks(
            kinds.eq(BackgroundKind).to(float32),
            kinds.eq(ForegroundKind).to(float32),
            kinds.eq(NegativeKind).to(float32));
        masks.MoveToOuterDisposeScope();
        return masks;
    }
}

/// <summary>
/// The reference's affinity labels of a batch: float32 0/1 masks [B, directions, sources] of the background-positive,
/// foreground-positive and negative pairs. Disposing disposes the three tensors.
/// </summary>
public sealed record AffinityMasks(Tensor BackgroundPositive, Tensor ForegroundPositive, Tensor Negative) : IDisposable
{
    internal void MoveToOuterDisposeScope()
    {
        BackgroundPositive.MoveToOuterDisposeScope();
        ForegroundPositive.MoveToOuterDisposeScope();
        Negative.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        BackgroundPositive.Dispose();
        ForegroundPositive.Dispose();
        Negative.Dispose();
    }
}
