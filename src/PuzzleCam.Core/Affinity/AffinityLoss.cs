namespace PuzzleCam.Affinity;

/// <summary>The terms of the AffinityNet loss: scalar tensors, <see cref="Total"/> carrying the gradient.</summary>
public sealed record AffinityLossTerms(Tensor Total, Tensor BackgroundLoss, Tensor ForegroundLoss, Tensor NegativeLoss);

/// <summary>
/// The loss of <c>train_affinitynet.py</c>: cross-entropy-like terms −log(aff + ε) on positive pairs and
/// −log(1 + ε − aff) on negative pairs, each averaged over its own pairs of the whole batch; background and
/// foreground positives weigh half each, and positives and negatives weigh half each.
/// </summary>
public static class AffinityLoss
{
    private const double Epsilon = 1e-5;
    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();
    private static readonly Scalar OnePlusEpsilon = (1 + Epsilon).ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>The loss terms for affinities [B, directions, sources] and the batch's masks of the same shape.</summary>
    public static AffinityLossTerms Compute(Tensor affinity, AffinityMasks masks) => Compute(affinity, masks, null);

    /// <summary>
    /// The loss terms of one replica's share of a batch: each term's sum over this share's pairs, divided by the
    /// pair count of the whole batch (<paramref name="batchCounts"/>), so that the replicas' terms and gradients add up
    /// to the whole batch's, as the reference computes them on the gathered affinities.
    /// </summary>
    public static AffinityLossTerms Compute(Tensor affinity, AffinityMasks masks, AffinityPairCounts? batchCounts)
    {
        ArgumentNullException.ThrowIfNull(affinity);
        ArgumentNullException.ThrowIfNull(masks);
        using var scope = NewDisposeScope();
        var positive = affinity.add(EpsilonScalar, One).log().neg();
        var negative = affinity.neg().add(OnePlusEpsilon, One).log().neg();
        var background = MaskedMean(positive, masks.BackgroundPositive, batchCounts?.Background);
        var foreground = MaskedMean(positive, masks.ForegroundPositive, batchCounts?.Foreground);
        var negativeLoss = MaskedMean(negative, masks.Negative, batchCounts?.Negative);
        var positiveLoss = background.mul(Half).add(foreground.mul(Half), One);
        var total = positiveLoss.add(negativeLoss, One).mul(Half);
        return new AffinityLossTerms(total.MoveToOuterDisposeScope(), background.MoveToOuterDisposeScope(),
            foreground.MoveToOuterDisposeScope(), negativeLoss.MoveToOuterDisposeScope());
    }

    private static Tensor MaskedMean(Tensor term, Tensor mask, double? count)
    {
        if (count is null) return mask.mul(term).sum().div(mask.sum().add(EpsilonScalar, One));
        using var denominator = (count.Value + Epsilon).ToScalar();
        return mask.mul(term).sum().div(denominator);
    }
}

/// <summary>How many pairs of a batch each loss term averages over.</summary>
public readonly record struct AffinityPairCounts(double Background, double Foreground, double Negative)
{
    public static AffinityPairCounts Of(AffinityMasks masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        using var scope = NewDisposeScope();
        static double Count(Tensor mask) => mask.sum(ScalarType.Float64).item<double>();
        return new(Count(masks.BackgroundPositive), Count(masks.ForegroundPositive), Count(masks.Negative));
    }
}
