using PuzzleCam.Data;

namespace PuzzleCam.Evaluation;

/// <summary>
/// The reference's mIoU accumulator: per label 0..20, the pixels predicted as it (P), labelled it in the ground truth
/// (T) and both (TP), over pixels whose ground truth is not 255. Counters are 64-bit (the reference's 32-bit ones
/// would overflow on large sets). <see cref="Add"/> and <see cref="Merge"/> may be called from several threads at once.
/// </summary>
public sealed class PixelCounts
{
    /// <summary>Background plus the 20 VOC classes.</summary>
    public const int Labels = VocClasses.Count + 1;

    private readonly long[] predicted = new long[Labels];
    private readonly long[] truth = new long[Labels];
    private readonly long[] truePositive = new long[Labels];

    public long Predicted(int label) => Interlocked.Read(ref predicted[label]);
    public long Truth(int label) => Interlocked.Read(ref truth[label]);
    public long TruePositive(int label) => Interlocked.Read(ref truePositive[label]);

    /// <summary>Pixels that took part (ground truth 0..20).</summary>
    public long ValidPixels
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < Labels; i++) sum += Truth(i);
            return sum;
        }
    }

    /// <summary>
    /// Counts one image. Prediction values above 20 fall in no class, so such pixels are simply wrong, as in the
    /// reference; ground-truth values other than 0..20 are ignored like 255.
    /// </summary>
    public void Add(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> groundTruth)
    {
        if (prediction.Length != groundTruth.Length)
            throw new ArgumentException($"prediction has {prediction.Length} pixels but the ground truth {groundTruth.Length}");
        // Full byte-range histograms keep the pixel loop branch-light; labels past 20 are dropped when folding.
        Span<long> p = stackalloc long[256];
        Span<long> t = stackalloc long[256];
        Span<long> tp = stackalloc long[256];
        p.Clear();
        t.Clear();
        tp.Clear();
        for (int i = 0; i < prediction.Length; i++)
        {
            byte g = groundTruth[i];
            if (g > VocClasses.Count) continue;
            byte q = prediction[i];
            p[q]++;
            t[g]++;
            if (q == g) tp[g]++;
        }
        AddCounts(p[..Labels], t[..Labels], tp[..Labels]);
    }

    /// <summary>Adds another accumulator's counts to this one.</summary>
    public void Merge(PixelCounts other)
    {
        Span<long> p = stackalloc long[Labels];
        Span<long> t = stackalloc long[Labels];
        Span<long> tp = stackalloc long[Labels];
        for (int i = 0; i < Labels; i++)
        {
            p[i] = other.Predicted(i);
            t[i] = other.Truth(i);
            tp[i] = other.TruePositive(i);
        }
        AddCounts(p, t, tp);
    }

    public void Clear()
    {
        for (int i = 0; i < Labels; i++)
        {
            Interlocked.Exchange(ref predicted[i], 0);
            Interlocked.Exchange(ref truth[i], 0);
            Interlocked.Exchange(ref truePositive[i], 0);
        }
    }

    public SegmentationScores Scores()
    {
        Span<long> p = stackalloc long[Labels];
        Span<long> t = stackalloc long[Labels];
        Span<long> tp = stackalloc long[Labels];
        for (int i = 0; i < Labels; i++)
        {
            p[i] = Predicted(i);
            t[i] = Truth(i);
            tp[i] = TruePositive(i);
        }
        return SegmentationScores.FromCounts(p, t, tp);
    }

    internal void AddCounts(ReadOnlySpan<long> p, ReadOnlySpan<long> t, ReadOnlySpan<long> tp)
    {
        for (int i = 0; i < Labels; i++)
        {
            if (p[i] != 0) Interlocked.Add(ref predicted[i], p[i]);
            if (t[i] != 0) Interlocked.Add(ref truth[i], t[i]);
            if (tp[i] != 0) Interlocked.Add(ref truePositive[i], tp[i]);
        }
    }
}
