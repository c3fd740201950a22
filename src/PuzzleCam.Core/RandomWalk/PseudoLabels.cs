using PuzzleCam.Affinity;
using PuzzleCam.Crf;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 6 for one image: the pseudo label map (0 background, classes by the keys; no ignore label) from the
/// random-walk maps: a background plane at the threshold, the argmax, the label CRF unless
/// <see cref="PseudoLabelOptions.CrfIterations"/> is 0, then the keys.
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
        if (options.CrfIterations > 0) ThresholdLabels.Refine(labels, randomWalk.Classes + 1, image, options.CrfIterations, crf ?? new DenseCrf());
        ThresholdLabels.MapThroughKeys(labels, keys);
        return new LabelMap(image.Width, image.Height, labels);
    }
}
