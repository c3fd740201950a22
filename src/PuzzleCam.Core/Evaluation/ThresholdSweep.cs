namespace PuzzleCam.Evaluation;

/// <summary>One threshold of a sweep and the scores it gave.</summary>
public sealed record SweepPoint(double Threshold, SegmentationScores Scores);

/// <summary>
/// Scores per-class score maps (CAMs, random-walk maps) at several background thresholds at once. At threshold th a
/// pixel's label is <c>keys[argmax([th, s_1, .., s_K])]</c>: background unless some class score beats th, ties going to
/// the earlier plane, as NumPy's argmax does. Each image is scanned once for its best class, and each pixel then
/// updates the counts of all thresholds at once. <see cref="Add(ClassMaps, ReadOnlySpan{long}, LabelMap)"/> is thread-safe.
/// </summary>
public sealed class ThresholdSweep
{
    /// <summary>evaluate.py's choice of the "over-activated" threshold: the one whose fp_all is closest to 1.6 x the best's.</summary>
    public const double OverActivation = 1.60;

    /// <summary>evaluate.py's choice of the "under-activated" threshold: fp_all closest to 0.6 x the best's.</summary>
    public const double UnderActivation = 0.60;

    private readonly double[] thresholds;
    private readonly PixelCounts[] counts;

    // Threshold indices in ascending order of the float32 threshold plane, and those float32 values.
    private readonly int[] ascendingOrder;
    private readonly float[] ascendingPlane;

    public ThresholdSweep(IEnumerable<double> thresholds)
    {
        this.thresholds = thresholds.ToArray();
        if (this.thresholds.Length == 0) throw new ArgumentException("a sweep needs at least one threshold", nameof(thresholds));
        if (this.thresholds.Any(t => !double.IsFinite(t))) throw new ArgumentException("thresholds must be finite", nameof(thresholds));
        counts = this.thresholds.Select(_ => new PixelCounts()).ToArray();
        ascendingOrder = Enumerable.Range(0, this.thresholds.Length).OrderBy(i => (float)this.thresholds[i]).ToArray();
        ascendingPlane = ascendingOrder.Select(i => (float)this.thresholds[i]).ToArray();
    }

    public IReadOnlyList<double> Thresholds => thresholds;

    /// <summary>The accumulated counts at threshold index <paramref name="index"/>.</summary>
    public PixelCounts CountsAt(int index) => counts[index];

    /// <summary>evaluate.py's CAM sweep: np.arange(0.05, 0.80, 0.05), i.e. 0.05 .. 0.75 (15 values).</summary>
    public static ThresholdSweep ForCams() => new(Range(0.05, 0.80, 0.05));

    /// <summary>evaluate.py's random-walk sweep: np.arange(0.05, max_th, 0.05), 0.05 .. 0.45 for the default 0.5.</summary>
    public static ThresholdSweep ForRandomWalk(double maxThreshold = 0.5) => new(Range(0.05, maxThreshold, 0.05));

    /// <summary>The classifier's in-training sweep: np.arange(0.10, 0.50, 0.05), 0.10 .. 0.45 (8 values).</summary>
    public static ThresholdSweep ForTraining() => new(Range(0.10, 0.50, 0.05));

    /// <summary>Keys for maps that hold all 20 classes in order (in-training CAMs): plane c is label c + 1.</summary>
    public static ReadOnlySpan<long> AllClassKeys => AllClassKeyValues;

    private static readonly long[] AllClassKeyValues = Enumerable.Range(0, PixelCounts.Labels).Select(i => (long)i).ToArray();

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats, value for value: ceil((stop - start) / step) values
    /// start + i * d, where d = (start + step) - start (NumPy derives the spacing from the first two values, so e.g.
    /// arange(0.10, 0.50, 0.05)[2] is 0.20000000000000004).
    /// </summary>
    public static IReadOnlyList<double> Range(double start, double stop, double step)
    {
        if (!double.IsFinite(start) || !double.IsFinite(stop) || !double.IsFinite(step) || step <= 0)
            throw new ArgumentException($"bad range {start}..{stop} step {step}");
        int count = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var values = new double[count];
        double delta = (start + step) - start;
        for (int i = 0; i < count; i++) values[i] = i switch { 0 => start, 1 => start + step, _ => start + i * delta };
        return values;
    }

    /// <summary>Adds one image: maps [K, H, W] whose plane k is label <c>keys[k + 1]</c>, background <c>keys[0]</c>.</summary>
    public void Add(ClassMaps maps, ReadOnlySpan<long> keys, LabelMap groundTruth)
    {
        if (maps.Height != groundTruth.Height || maps.Width != groundTruth.Width)
            throw new ArgumentException($"maps are {maps.Width}x{maps.Height} but the ground truth is {groundTruth.Width}x{groundTruth.Height}");
        TopClass.CheckKeys(keys, maps.Classes);
        var top = TopClass.Of(maps);
        int n = thresholds.Length, labels = PixelCounts.Labels;
        // A pixel is background exactly at the thresholds >= its best score: a suffix of the ascending order. So each
        // pixel updates difference arrays over that order once, instead of being labelled once per threshold.
        var predicted = new long[labels * (n + 1)];
        var truePositive = new long[labels * (n + 1)];
        var truth = new long[labels];
        long background = keys[0];
        var gt = groundTruth.Labels;
        for (int p = 0; p < gt.Length; p++)
        {
            int g = gt[p];
            if (g >= labels) continue;
            truth[g]++;
            int plane = top.Plane[p];
            float score = top.Score[p];
            int firstBackground = plane < 0 ? 0 : float.IsNaN(score) ? n : LowerBound(ascendingPlane, score);
            if (firstBackground > 0)
            {
                long label = keys[plane + 1];
                if (label < labels)
                {
                    predicted[label * (n + 1)]++;
                    predicted[label * (n + 1) + firstBackground]--;
                    if (label == g)
                    {
                        truePositive[g * (n + 1)]++;
                        truePositive[g * (n + 1) + firstBackground]--;
                    }
                }
            }
            if (firstBackground < n && background < labels)
            {
                predicted[background * (n + 1) + firstBackground]++;
                if (background == g) truePositive[g * (n + 1) + firstBackground]++;
            }
        }
        Span<long> p1 = stackalloc long[labels];
        Span<long> tp1 = stackalloc long[labels];
        p1.Clear();
        tp1.Clear();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < labels; c++)
            {
                p1[c] += predicted[c * (n + 1) + i];
                tp1[c] += truePositive[c * (n + 1) + i];
            }
            counts[ascendingOrder[i]].AddCounts(p1, truth, tp1);
        }
    }

    private static int LowerBound(float[] ascending, float value)
    {
        int lo = 0, hi = ascending.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] >= value) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }


    public IReadOnlyList<SweepPoint> Results() => thresholds.Select((t, i) => new SweepPoint(t, counts[i].Scores())).ToList();

    /// <summary>The threshold with the highest mIoU, the first one on ties (as the reference's strict comparison).</summary>
    public SweepPoint Best()
    {
        var results = Results();
        return results[BestIndex(results)];
    }

    /// <summary>Index of the highest mIoU in <paramref name="results"/>, the first one on ties.</summary>
    public static int BestIndex(IReadOnlyList<SweepPoint> results)
    {
        int best = 0;
        for (int i = 1; i < results.Count; i++)
        {
            if (results[i].Scores.MeanIou > results[best].Scores.MeanIou) best = i;
        }
        return best;
    }

    /// <summary>
    /// evaluate.py's rw-mode companions of the best threshold: the thresholds whose fp_all is closest to
    /// <see cref="OverActivation"/> and <see cref="UnderActivation"/> times the best's fp_all (first on ties).
    /// </summary>
    public static (SweepPoint Over, SweepPoint Under) OverAndUnder(IReadOnlyList<SweepPoint> results)
    {
        var best = results[BestIndex(results)];
        SweepPoint Closest(double target)
        {
            var pick = results[0];
            foreach (var r in results.Skip(1))
            {
                if (Math.Abs(r.Scores.FpAll - target) < Math.Abs(pick.Scores.FpAll - target)) pick = r;
            }
            return pick;
        }
        return (Closest(best.Scores.FpAll * OverActivation), Closest(best.Scores.FpAll * UnderActivation));
    }
}
