namespace PuzzleCam.Crf;

/// <summary>
/// The two Potts pairwise terms of the reference's dense CRF (pydensecrf <c>DenseCRF2D</c>): a Gaussian kernel on
/// position, features (x/sxy, y/sxy), and a bilateral kernel on position and colour, features
/// (x/sxy, y/sxy, R/srgb, G/srgb, B/srgb), with x the column and y the row.
/// Defaults are those of the label CRF (<c>crf_inference_label</c>); <see cref="Probability"/> holds those of
/// <c>crf_inference</c>.
/// </summary>
public sealed record CrfKernels
{
    /// <summary>Spatial standard deviation (pixels) of the Gaussian kernel (<c>addPairwiseGaussian(sxy=3)</c>).</summary>
    public float GaussianSxy { get; init; } = 3f;

    /// <summary>Potts weight of the Gaussian kernel (<c>compat=3</c>).</summary>
    public float GaussianCompat { get; init; } = 3f;

    /// <summary>Spatial standard deviation (pixels) of the bilateral kernel: 50 in the label CRF, 80 in the probability CRF.</summary>
    public float BilateralSxy { get; init; } = 50f;

    /// <summary>Colour standard deviation (8-bit levels) of the bilateral kernel: 5 in the label CRF, 13 in the probability CRF.</summary>
    public float BilateralSrgb { get; init; } = 5f;

    /// <summary>Potts weight of the bilateral kernel (<c>compat=10</c>).</summary>
    public float BilateralCompat { get; init; } = 10f;

    /// <summary>The kernels of <c>crf_inference_label</c> (affinity and pseudo labels).</summary>
    public static CrfKernels Label { get; } = new();

    /// <summary>The kernels of <c>crf_inference</c> (segmentation inference): bilateral sxy 80, srgb 13.</summary>
    public static CrfKernels Probability { get; } = new() { BilateralSxy = 80f, BilateralSrgb = 13f };

    internal void Validate()
    {
        Positive(GaussianSxy, nameof(GaussianSxy));
        Positive(BilateralSxy, nameof(BilateralSxy));
        Positive(BilateralSrgb, nameof(BilateralSrgb));
        Finite(GaussianCompat, nameof(GaussianCompat));
        Finite(BilateralCompat, nameof(BilateralCompat));
    }

    private static void Positive(float value, string name)
    {
        if (!(value > 0f) || !float.IsFinite(value)) throw new ArgumentException($"{name} must be a positive number, got {value}", name);
    }

    private static void Finite(float value, string name)
    {
        if (!float.IsFinite(value)) throw new ArgumentException($"{name} must be finite, got {value}", name);
    }
}

/// <summary>
/// The label CRF of the reference (<c>crf_inference_label(img, labels, t, n_labels, gt_prob=0.7)</c>): the unary
/// trusts each given label with probability <see cref="GtProb"/> and spreads the rest evenly over the other labels
/// (pydensecrf <c>unary_from_labels</c>, <c>zero_unsure=False</c>). Affinity labels use t = 10; pseudo labels use
/// t = <c>--crf_iteration</c> (1 in the README).
/// </summary>
public sealed record LabelCrfOptions
{
    /// <summary>Mean-field iterations t (0 returns the unary's softmax).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Probability given to the input label of each pixel, in (0, 1).</summary>
    public double GtProb { get; init; } = 0.7;

    /// <summary>Pairwise terms; the reference's label CRF by default.</summary>
    public CrfKernels Kernels { get; init; } = CrfKernels.Label;

    internal void Validate()
    {
        if (Iterations < 0) throw new ArgumentException($"{nameof(Iterations)} must be >= 0, got {Iterations}", nameof(Iterations));
        if (!(GtProb > 0 && GtProb < 1)) throw new ArgumentException($"{nameof(GtProb)} must be in (0, 1), got {GtProb}", nameof(GtProb));
        Kernels.Validate();
    }
}

/// <summary>
/// The probability CRF of segmentation inference (<c>crf_inference(img, probs, t=10)</c>): unary
/// −log(clip(p, <see cref="Clip"/>, 1)) (pydensecrf <c>unary_from_softmax</c>).
/// </summary>
public sealed record ProbabilityCrfOptions
{
    /// <summary>Mean-field iterations t (<c>inference_segmentation.py --iteration</c>, 10 in the README).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Lower clip of the probabilities before the logarithm.</summary>
    public float Clip { get; init; } = 1e-5f;

    /// <summary>Pairwise terms; the reference's probability CRF by default.</summary>
    public CrfKernels Kernels { get; init; } = CrfKernels.Probability;

    internal void Validate()
    {
        if (Iterations < 0) throw new ArgumentException($"{nameof(Iterations)} must be >= 0, got {Iterations}", nameof(Iterations));
        if (!(Clip > 0f && Clip <= 1f)) throw new ArgumentException($"{nameof(Clip)} must be in (0, 1], got {Clip}", nameof(Clip));
        Kernels.Validate();
    }
}
