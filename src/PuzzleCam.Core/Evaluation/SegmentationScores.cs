namespace PuzzleCam.Evaluation;

/// <summary>
/// The scores the reference derives from per-label pixel counts (P predicted, T ground truth, TP both) over the 21
/// labels. Every ratio carries the reference's <c>+ 1e-10</c> guard, so a label absent from both prediction and ground
/// truth scores 0 and still counts in the means.
/// </summary>
/// <param name="Iou">Per label 0..20, percent: TP / (T + P - TP + 1e-10) x 100.</param>
/// <param name="MeanIou">Mean of <paramref name="Iou"/> over all 21 labels, percent (the reported mIoU).</param>
/// <param name="MeanIouForeground">Mean over labels 1..20, percent (evaluate.py prints this one as a fraction).</param>
/// <param name="Precision">Per label, percent: TP / (P + 1e-10) x 100.</param>
/// <param name="Recall">Per label, percent: TP / (T + 1e-10) x 100.</param>
/// <param name="FpAll">evaluate.py's fp_all: mean over labels 1..20 of (P - TP) / union (a fraction; over-activation).</param>
/// <param name="FnAll">evaluate.py's fn_all: mean over labels 1..20 of (T - TP) / union (a fraction; under-activation).</param>
/// <param name="TTp">evaluate.py's t_tp: mean over labels 1..20 of T / (TP + 1e-10); huge when a present label is never hit.</param>
/// <param name="PTp">evaluate.py's p_tp: mean over labels 1..20 of P / (TP + 1e-10).</param>
/// <param name="CalculatorFp">Calculator_For_mIoU's FP: the fp_all ratio averaged over all 21 labels.</param>
/// <param name="CalculatorFn">Calculator_For_mIoU's FN: the fn_all ratio averaged over all 21 labels.</param>
public sealed record SegmentationScores(
    IReadOnlyList<double> Iou,
    double MeanIou,
    double MeanIouForeground,
    IReadOnlyList<double> Precision,
    IReadOnlyList<double> Recall,
    double FpAll,
    double FnAll,
    double TTp,
    double PTp,
    double CalculatorFp,
    double CalculatorFn)
{
    private const double Guard = 1e-10;

    /// <summary>Scores from per-label counts (each span holds 21 values).</summary>
    public static SegmentationScores FromCounts(ReadOnlySpan<long> predicted, ReadOnlySpan<long> truth, ReadOnlySpan<long> truePositive)
    {
        int n = PixelCounts.Labels;
        if (predicted.Length != n || truth.Length != n || truePositive.Length != n)
            throw new ArgumentException($"counts for {n} labels expected");
        var iou = new double[n];
        var iouPercent = new double[n];
        var precision = new double[n];
        var recall = new double[n];
        var fp = new double[n];
        var fn = new double[n];
        var tTp = new double[n];
        var pTp = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Integer union first, then the guard, in the reference's evaluation order, so results match it bit for bit.
            double union = (truth[i] + predicted[i] - truePositive[i]) + Guard;
            iou[i] = truePositive[i] / union;
            iouPercent[i] = iou[i] * 100;
            precision[i] = truePositive[i] / (predicted[i] + Guard) * 100;
            recall[i] = truePositive[i] / (truth[i] + Guard) * 100;
            fp[i] = (predicted[i] - truePositive[i]) / union;
            fn[i] = (truth[i] - truePositive[i]) / union;
            tTp[i] = truth[i] / (truePositive[i] + Guard);
            pTp[i] = predicted[i] / (truePositive[i] + Guard);
        }
        return new SegmentationScores(
            iouPercent,
            NumpyMean.Of(iou) * 100,
            NumpyMean.Of(iou.AsSpan(1)) * 100,
            precision,
            recall,
            NumpyMean.Of(fp.AsSpan(1)),
            NumpyMean.Of(fn.AsSpan(1)),
            NumpyMean.Of(tTp.AsSpan(1)),
            NumpyMean.Of(pTp.AsSpan(1)),
            NumpyMean.Of(fp),
            NumpyMean.Of(fn));
    }
}

/// <summary>
/// <c>numpy.mean</c> of float64 values: NumPy sums pairwise (eight running partial sums per block of up to 128 values,
/// halves above that), which rounds differently from a left-to-right sum. Matching it keeps the means bit-identical to
/// the reference's and the threshold choices free of rounding ties.
/// </summary>
internal static class NumpyMean
{
    public static double Of(ReadOnlySpan<double> values) => PairwiseSum(values) / values.Length;

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double sum = 0;
            foreach (var v in a) sum += v;
            return sum;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                for (int j = 0; j < 8; j++) r[j] += a[i + j];
            }
            double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) sum += a[i];
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
