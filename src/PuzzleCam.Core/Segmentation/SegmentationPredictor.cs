using System.Runtime.InteropServices;
using PuzzleCam.Crf;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Segmentation;

/// <summary>One image and its network inputs at every scale, made on the CPU without torch (a reader thread can make them).</summary>
public sealed record SegmentationInputs(RgbImage Image, IReadOnlyList<ScaledInput> Scales);

/// <summary>What stage 8 makes of one image.</summary>
/// <param name="Probabilities">Softmax over the classes of the logits summed over scales and flips, [classes, H, W].</param>
/// <param name="Marginals">The dense CRF's marginals Q [classes, H, W]; null when no CRF ran.</param>
/// <param name="Labels">The argmax of <paramref name="Marginals"/>, or of <paramref name="Probabilities"/> without a CRF.</param>
public sealed record SegmentationPrediction(ClassMaps Probabilities, ClassMaps? Marginals, LabelMap Labels);

/// <summary>
/// The per-image computation of the reference's segmentation inference. For each scale the image is resized with
/// Pillow's bicubic filter to the scale times its size (Python's round, half to even), normalised, and run as a batch
/// of two with its mirror; both logit maps (already at the scaled size inside the network) are resized bilinearly,
/// align_corners off, to the image size, and the scale contributes l[0] + mirror(l[1]). The logits of all scales are
/// summed, then a softmax over the classes gives the probabilities; with CRF iterations the probability CRF
/// (<c>crf_inference</c>) refines them on the image's pixels; the argmax is the label map.
/// <para>
/// <see cref="Prepare"/> is thread-safe; the rest is not (the CRF keeps its buffers between images), so use one
/// predictor per thread.
/// </para>
/// </summary>
public sealed class SegmentationPredictor
{
    private static readonly Normalize Normalizer = new();
    private static readonly Scalar One = 1.ToScalar();

    private readonly DeepLabV3Plus _model;
    private readonly DenseCrf _crf = new();
    private readonly ProbabilityCrfOptions _crfOptions;

    /// <summary>Puts <paramref name="model"/> in eval mode; it must already sit on <paramref name="device"/>.</summary>
    /// <param name="model">The trained network.</param>
    /// <param name="device">Where it runs.</param>
    /// <param name="scales">Image scales, each with its mirror (the reference's default: 0.5, 1.0, 1.5, 2.0).</param>
    /// <param name="crfIterations">Mean-field iterations of the CRF (the reference's <c>--iteration</c>); 0: no CRF.</param>
    public SegmentationPredictor(DeepLabV3Plus model, Device device, IReadOnlyList<double> scales, int crfIterations = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Count == 0) throw new ArgumentException("at least one scale is needed", nameof(scales));
        ArgumentOutOfRangeException.ThrowIfNegative(crfIterations);
        _model = model;
        _model.eval();
        Device = device;
        Scales = scales.ToArray();
        CrfIterations = crfIterations;
        _crfOptions = new ProbabilityCrfOptions { Iterations = crfIterations };
    }

    public Device Device { get; }

    public IReadOnlyList<double> Scales { get; }

    public int CrfIterations { get; }

    /// <summary>Resizes and normalises the image for every scale. Thread-safe; touches no tensor.</summary>
    public SegmentationInputs Prepare(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scales = new ScaledInput[Scales.Count];
        for (int i = 0; i < scales.Length; i++)
        {
            var (w, h) = MultiScaleCam.ScaledSize(image.Width, image.Height, Scales[i]);
            var resized = PilResize.Bicubic(image, w, h);
            scales[i] = new ScaledInput(Scales[i], resized, Normalizer.Apply(resized));
        }
        return new SegmentationInputs(image, scales);
    }

    /// <summary>The whole stage-8 computation of one image.</summary>
    public SegmentationPrediction Predict(RgbImage image) => Predict(Prepare(image));

    /// <summary>The whole stage-8 computation of prepared inputs.</summary>
    public SegmentationPrediction Predict(SegmentationInputs inputs) => Refine(inputs.Image, Probabilities(inputs));

    /// <summary>
    /// The logits summed over scales and mirrors, [classes, H, W] on <see cref="Device"/>, owned by the caller's dispose
    /// scope.
    /// </summary>
    public Tensor Logits(SegmentationInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long height = inputs.Image.Height, width = inputs.Image.Width;
        var perScale = new List<Tensor>(inputs.Scales.Count);
        foreach (var scaled in inputs.Scales)
        {
            var image = TensorCollate.Images([scaled.Normalized]).to(Device);
            var logits = _model.forward(cat([image, image.flip(-1)], 0));
            var resized = nn.functional.interpolate(logits, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
            perScale.Add(resized[0].add(resized[1].flip(-1), One));
        }
        return stack(perScale).sum(dim: 0).MoveToOuterDisposeScope();
    }

    /// <summary>Softmax over the classes of <see cref="Logits"/>, on the CPU.</summary>
    public ClassMaps Probabilities(SegmentationInputs inputs)
    {
        using var scope = NewDisposeScope();
        var probabilities = softmax(Logits(inputs), dim: 0).cpu().contiguous();
        var values = MemoryMarshal.Cast<byte, float>(probabilities.bytes).ToArray();
        return new ClassMaps((int)probabilities.shape[0], (int)probabilities.shape[1], (int)probabilities.shape[2], values);
    }

    /// <summary>
    /// The label map of class probabilities: the argmax after <see cref="CrfIterations"/> iterations of the probability
    /// CRF on <paramref name="image"/>'s pixels, or the plain argmax without CRF iterations. Runs on the CPU.
    /// </summary>
    public SegmentationPrediction Refine(RgbImage image, ClassMaps probabilities)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Width != image.Width || probabilities.Height != image.Height)
            throw new ArgumentException($"probabilities of {probabilities.Width}x{probabilities.Height} for a {image.Width}x{image.Height} image", nameof(probabilities));
        var labels = new LabelMap(image.Width, image.Height);
        if (CrfIterations == 0)
        {
            Argmax(probabilities, labels.Labels);
            return new SegmentationPrediction(probabilities, null, labels);
        }
        var q = new float[probabilities.Values.Length];
        _crf.InferProbabilities(image, probabilities.Values, _crfOptions, q, labels.Labels);
        return new SegmentationPrediction(probabilities, new ClassMaps(probabilities.Classes, probabilities.Height, probabilities.Width, q), labels);
    }

    /// <summary>Per pixel, the first class with the highest value (NumPy's argmax).</summary>
    private static void Argmax(ClassMaps maps, Span<byte> labels)
    {
        int plane = maps.Height * maps.Width;
        var values = maps.Values;
        var best = values.AsSpan(0, plane).ToArray();
        labels.Clear();
        for (int c = 1; c < maps.Classes; c++)
        {
            var row = values.AsSpan(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                if (row[i] > best[i])
                {
                    best[i] = row[i];
                    labels[i] = (byte)c;
                }
            }
        }
    }
}
