using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Crf;
using PuzzleCam.IO;

namespace PuzzleCam.RandomWalk;

/// <summary>Settings of <c>make_pseudo_labels.py</c>. The defaults are the script's; the README runs 0.35 and 1 (<see cref="Readme"/>).</summary>
public sealed record PseudoLabelOptions
{
    /// <summary><c>--threshold</c>: the constant background score the random-walk maps must beat. Default 0.25, README 0.35.</summary>
    public double Threshold { get; init; } = 0.25;

    /// <summary><c>--crf_iteration</c>: mean-field iterations of the label CRF; 0 skips the CRF. Default 10, README 1.</summary>
    public int CrfIteration { get; init; } = 10;

    /// <summary>The README's settings: threshold 0.35, one CRF iteration.</summary>
    public static PseudoLabelOptions Readme { get; } = new() { Threshold = 0.35, CrfIteration = 1 };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the flag of the first bad value.</summary>
    public void Validate()
    {
        if (!(Threshold >= 0 && Threshold <= 1)) throw new BadInputException($"--threshold must be in [0, 1], got {Threshold}");
        if (CrfIteration < 0) throw new BadInputException($"--crf_iteration must be at least 0, got {CrfIteration}");
    }
}

/// <summary>
/// Stage 6 for one image: the pseudo label map (0 background, classes by the keys; no ignore label) from the
/// random-walk maps: a background plane at the threshold, the argmax, the label CRF unless
/// <see cref="PseudoLabelOptions.CrfIteration"/> is 0, then the keys.
/// </summary>
public static class PseudoLabels
{
    /// <summary>The pseudo labels of a random-walk file (its <c>rw</c> and keys) and the RGB image.</summary>
    public static LabelMap Compute(CamFile walk, RgbImage image, PseudoLabelOptions options, DenseCrf? crf = null)
    {
        ArgumentNullException.ThrowIfNull(walk);
        var maps = walk.RandomWalk ?? throw new ArgumentException($"the file has no '{CamFile.RandomWalkName}' array", nameof(walk));
        return Compute(maps, walk.Keys, image, options, crf);
    }

    /// <summary>
    /// The pseudo labels from random-walk maps [K, H, W]. Pass a <see cref="DenseCrf"/> to reuse its buffers over many
    /// images (one per thread).
    /// </summary>
    public static LabelMap Compute(ClassMaps randomWalk, IReadOnlyList<long> keys, RgbImage image, PseudoLabelOptions options, DenseCrf? crf = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThresholdLabels.CheckInputs(randomWalk, keys, image, CamFile.RandomWalkName);
        var labels = ThresholdLabels.Argmax(randomWalk, (float)options.Threshold);
        if (options.CrfIteration > 0) ThresholdLabels.Refine(labels, randomWalk.Classes + 1, image, options.CrfIteration, crf ?? new DenseCrf());
        ThresholdLabels.MapThroughKeys(labels, keys);
        return new LabelMap(image.Width, image.Height, labels);
    }
}
