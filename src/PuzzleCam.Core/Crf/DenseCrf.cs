using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PuzzleCam.Crf;

/// <summary>
/// The fully connected CRF of Krähenbühl &amp; Koltun (NIPS 2011) exactly as the reference runs it through pydensecrf:
/// Potts compatibility, a Gaussian and a bilateral kernel filtered on the permutohedral lattice with symmetric
/// normalisation, and mean-field inference
/// Q ← softmax(−U + Σ_k w_k · norm_k ⊙ K_k(norm_k ⊙ Q)), starting from softmax(−U), without removing the
/// self-contribution. <see cref="InferLabels(RgbImage, ReadOnlySpan{byte}, int, LabelCrfOptions?)"/> is
/// <c>crf_inference_label</c> and <see cref="InferProbabilities(RgbImage, ReadOnlySpan{float}, ProbabilityCrfOptions?)"/>
/// is <c>crf_inference</c>.
/// <para>
/// An instance keeps its buffers between calls, so memory stays flat over many images, and it also keeps the two
/// lattices of the last image: a second CRF on the same pixels with the same kernels (the fg and bg maps of the
/// affinity labels) skips building them. An instance is single-threaded and not thread-safe; use one per thread,
/// e.g. one per worker of <see cref="Experiments.PerImageStage"/>.
/// </para>
/// <para>
/// Speed: labels are kept per pixel in vector lanes (4, or a multiple of 8 padded with −∞-like logits), each
/// iteration visits the pixels once (slice of the last Q, softmax, splat of the new Q), and the hot loops are
/// compiled fully optimised at once (AggressiveOptimization): they run a few times per image, each one long, so
/// tiered compilation would leave them unoptimised for the first dozens of images.
/// </para>
/// </summary>
public sealed class DenseCrf
{
    private const int GaussianDimensions = 2;
    private const int BilateralDimensions = 5;
    private const int GaussianVertices = GaussianDimensions + 1;
    private const int BilateralVertices = BilateralDimensions + 1;

    /// <summary>Unary of the padding lanes that round the label count up to a vector width: its softmax weight is exactly 0.</summary>
    private const float PaddingLogit = -1e30f;

    private const int MaxLabels = 256;

    private readonly PermutohedralLattice gaussian = new();
    private readonly PermutohedralLattice bilateral = new();
    private float[] gaussianNorm = [];
    private float[] bilateralNorm = [];
    private float[] features = [];

    // −U per pixel, label-minor with the label count padded to the stride (pixel i's labels at [i·stride, (i+1)·stride)).
    // The label CRF instead keeps the label map and one row of −U for "not this label", which saves streaming
    // n floats per pixel through every iteration.
    private float[] negUnary = [];
    private byte[] unaryLabels = [];
    private float[] unaryTemplate = [];
    private float unaryGiven;
    private bool unaryFromLabels;
    private float[] gaussianA = [];
    private float[] gaussianB = [];
    private float[] bilateralA = [];
    private float[] bilateralB = [];

    // Each point's vertices as element offsets into a value buffer (vertex slot × stride), for the stride in
    // rowsStride (0 when stale): the hot loops then index without multiplying.
    private int[] gaussianRows = [];
    private int[] bilateralRows = [];
    private int rowsStride;

    private byte[] latticePixels = [];
    private int latticeWidth;
    private int latticeHeight;
    private CrfKernels? latticeKernels;

    /// <summary>
    /// <c>crf_inference_label(img, labels, t, n_labels, gt_prob)</c>: the CRF's argmax label map (H×W, row-major)
    /// for a label map with values in [0, <paramref name="labelCount"/>).
    /// </summary>
    public byte[] InferLabels(RgbImage image, ReadOnlySpan<byte> labels, int labelCount, LabelCrfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new byte[image.Width * image.Height];
        InferLabels(image, labels, labelCount, options ?? new LabelCrfOptions(), result, default);
        return result;
    }

    /// <summary>
    /// The label CRF writing the argmax map to <paramref name="labelsOut"/> (H·W) and, unless empty, the marginals Q
    /// to <paramref name="marginals"/> (n×H×W, label-major as pydensecrf's <c>inference</c> returns them).
    /// </summary>
    public void InferLabels(RgbImage image, ReadOnlySpan<byte> labels, int labelCount, LabelCrfOptions options, Span<byte> labelsOut, Span<float> marginals)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int pixels = image.Width * image.Height;
        CheckLabelCount(labelCount);
        if (labels.Length != pixels)
            throw new ArgumentException($"the label map has {labels.Length} values for a {image.Width}x{image.Height} image", nameof(labels));
        CheckOutputs(pixels, labelCount, labelsOut, marginals);

        int stride = StrideFor(labelCount);
        SetLabelUnary(labels, labelCount, options.GtProb, stride);
        Run(image, labelCount, stride, options.Kernels, options.Iterations, labelsOut, marginals);
    }

    /// <summary>
    /// <c>crf_inference(img, probs, t)</c>: the marginals Q (n×H×W) for class probabilities
    /// <paramref name="probabilities"/> (n×H×W, e.g. a softmax over classes); n is the length over H·W.
    /// </summary>
    public float[] InferProbabilities(RgbImage image, ReadOnlySpan<float> probabilities, ProbabilityCrfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new float[probabilities.Length];
        InferProbabilities(image, probabilities, options ?? new ProbabilityCrfOptions(), result, default);
        return result;
    }

    /// <summary>
    /// The probability CRF writing Q (n×H×W) to <paramref name="marginals"/> unless empty and, unless empty, its
    /// argmax map (H·W) to <paramref name="labelsOut"/>.
    /// </summary>
    public void InferProbabilities(RgbImage image, ReadOnlySpan<float> probabilities, ProbabilityCrfOptions options, Span<float> marginals, Span<byte> labelsOut)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int pixels = image.Width * image.Height;
        if (probabilities.Length == 0 || probabilities.Length % pixels != 0)
            throw new ArgumentException($"{probabilities.Length} probabilities are not n planes of {image.Width}x{image.Height}", nameof(probabilities));
        int labelCount = probabilities.Length / pixels;
        CheckLabelCount(labelCount);
        CheckOutputs(pixels, labelCount, labelsOut, marginals);

        int stride = StrideFor(labelCount);
        FillSoftmaxUnary(probabilities, labelCount, options.Clip, stride);
        Run(image, labelCount, stride, options.Kernels, options.Iterations, labelsOut, marginals);
    }

    private static void CheckLabelCount(int labelCount)
    {
        if (labelCount < 1 || labelCount > MaxLabels)
            throw new ArgumentException($"the label count must be in 1..{MaxLabels}, got {labelCount}", nameof(labelCount));
    }

    private static void CheckOutputs(int pixels, int labelCount, Span<byte> labelsOut, Span<float> marginals)
    {
        if (!labelsOut.IsEmpty && labelsOut.Length != pixels)
            throw new ArgumentException($"the label output needs {pixels} values, got {labelsOut.Length}", nameof(labelsOut));
        if (!marginals.IsEmpty && marginals.Length != pixels * labelCount)
            throw new ArgumentException($"the marginals need {pixels * labelCount} values, got {marginals.Length}", nameof(marginals));
    }

    /// <summary>Labels per pixel in the buffers: one 128-bit vector for up to 4 labels, whole 256-bit vectors above.</summary>
    private static int StrideFor(int labelCount) => labelCount <= 4 ? 4 : (labelCount + 7) & ~7;

    private static float[] Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    /// <summary>
    /// −U of pydensecrf's <c>unary_from_labels</c> (zero_unsure=False), computed in double and stored as float32:
    /// U = −log(gt_prob) at the given label and −log((1 − gt_prob)/(n − 1)) elsewhere.
    /// </summary>
    private void SetLabelUnary(ReadOnlySpan<byte> labels, int labelCount, double gtProb, int stride)
    {
        if (labelCount <= byte.MaxValue)
        {
            int bad = labels.IndexOfAnyInRange((byte)labelCount, byte.MaxValue);
            if (bad >= 0) throw new ArgumentException($"label {labels[bad]} at pixel {bad} is not below the label count {labelCount}", nameof(labels));
        }
        if (unaryLabels.Length < labels.Length) unaryLabels = new byte[labels.Length];
        labels.CopyTo(unaryLabels);
        if (unaryTemplate.Length != stride) unaryTemplate = new float[stride];
        unaryTemplate.AsSpan().Fill(PaddingLogit);
        float other = labelCount > 1 ? (float)Math.Log((1.0 - gtProb) / (labelCount - 1)) : 0f;
        unaryTemplate.AsSpan(0, labelCount).Fill(other);
        unaryGiven = (float)Math.Log(gtProb);
        unaryFromLabels = true;
    }

    /// <summary>−U of pydensecrf's <c>unary_from_softmax</c>: log(clip(p, clip, 1)) in float32, from label-major planes to pixel rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillSoftmaxUnary(ReadOnlySpan<float> probabilities, int labelCount, float clip, int stride)
    {
        int pixels = probabilities.Length / labelCount;
        unaryFromLabels = false;
        var negU = Ensure(ref negUnary, pixels * stride);
        for (int i = 0; i < pixels; i++) negU.AsSpan(i * stride + labelCount, stride - labelCount).Fill(PaddingLogit);
        var lo = Vector256.Create(clip);
        var hi = Vector256.Create(1f);
        ref float dst = ref MemoryMarshal.GetArrayDataReference(negU);
        for (int c = 0; c < labelCount; c++)
        {
            var plane = probabilities.Slice(c * pixels, pixels);
            int i = 0;
            for (; i <= pixels - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var logs = Vector256.Log(Vector256.Min(Vector256.Max(Vector256.Create(plane.Slice(i, Vector256<float>.Count)), lo), hi));
                for (int k = 0; k < Vector256<float>.Count; k++) Unsafe.Add(ref dst, (i + k) * stride + c) = logs.GetElement(k);
            }
            for (; i < pixels; i++) Unsafe.Add(ref dst, i * stride + c) = MathF.Log(Math.Clamp(plane[i], clip, 1f));
        }
    }

    private void Run(RgbImage image, int labelCount, int stride, CrfKernels kernels, int iterations, Span<byte> labelsOut, Span<float> marginals)
    {
        PrepareLattices(image, kernels);
        if (rowsStride != stride)
        {
            ScaleRows(gaussian, ref gaussianRows, stride);
            ScaleRows(bilateral, ref bilateralRows, stride);
            rowsStride = stride;
        }
        int gLength = (gaussian.VertexCount + 1) * stride;
        int bLength = (bilateral.VertexCount + 1) * stride;
        var gCurrent = Ensure(ref gaussianA, gLength);
        var gOther = Ensure(ref gaussianB, gLength);
        var bCurrent = Ensure(ref bilateralA, bLength);
        var bOther = Ensure(ref bilateralB, bLength);

        if (iterations == 0)
        {
            MeanFieldPass(kernels, stride, labelCount, null, null, null, null, labelsOut, marginals);
            return;
        }
        Array.Clear(gCurrent, 0, gLength);
        Array.Clear(bCurrent, 0, bLength);
        // Slot 0 (the missing neighbour) of the blur targets may hold values of an earlier run with another stride.
        Array.Clear(gOther, 0, stride);
        Array.Clear(bOther, 0, stride);
        // Q0 = softmax(−U), splatted straight into the lattices for the first update.
        MeanFieldPass(kernels, stride, labelCount, null, null, gCurrent, bCurrent, default, default);
        for (int it = 1; it <= iterations; it++)
        {
            var gResult = Blur(gaussian, gCurrent, gOther, stride);
            var bResult = Blur(bilateral, bCurrent, bOther, stride);
            var gFree = ReferenceEquals(gResult, gCurrent) ? gOther : gCurrent;
            var bFree = ReferenceEquals(bResult, bCurrent) ? bOther : bCurrent;
            if (it == iterations)
            {
                MeanFieldPass(kernels, stride, labelCount, gResult, bResult, null, null, labelsOut, marginals);
                return;
            }
            // Each pass slices the blurred Q of the last update and splats the new Q into the free buffers, so the
            // pixels are visited once per iteration.
            Array.Clear(gFree, 0, gLength);
            Array.Clear(bFree, 0, bLength);
            MeanFieldPass(kernels, stride, labelCount, gResult, bResult, gFree, bFree, default, default);
            gCurrent = gFree;
            gOther = gResult;
            bCurrent = bFree;
            bOther = bResult;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrepareLattices(RgbImage image, CrfKernels kernels)
    {
        int width = image.Width, height = image.Height, pixels = width * height;
        if (kernels.Equals(latticeKernels) && width == latticeWidth && height == latticeHeight
            && image.Pixels.AsSpan().SequenceEqual(latticePixels.AsSpan(0, pixels * 3)))
            return;
        latticeKernels = null;
        rowsStride = 0;

        var f = Ensure(ref features, pixels * BilateralDimensions);
        float sxy = kernels.GaussianSxy;
        for (int y = 0, i = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++, i++)
            {
                f[2 * i] = x / sxy;
                f[2 * i + 1] = y / sxy;
            }
        }
        gaussian.Build(f, GaussianDimensions, pixels);
        gaussian.SymmetricNorm(Ensure(ref gaussianNorm, pixels));

        float bxy = kernels.BilateralSxy, srgb = kernels.BilateralSrgb;
        var rgb = image.Pixels;
        for (int y = 0, i = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++, i++)
            {
                int o = BilateralDimensions * i;
                f[o] = x / bxy;
                f[o + 1] = y / bxy;
                f[o + 2] = rgb[3 * i] / srgb;
                f[o + 3] = rgb[3 * i + 1] / srgb;
                f[o + 4] = rgb[3 * i + 2] / srgb;
            }
        }
        bilateral.Build(f, BilateralDimensions, pixels);
        bilateral.SymmetricNorm(Ensure(ref bilateralNorm, pixels));

        if (latticePixels.Length < pixels * 3) latticePixels = new byte[pixels * 3];
        rgb.CopyTo(latticePixels, 0);
        latticeWidth = width;
        latticeHeight = height;
        latticeKernels = kernels;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleRows(PermutohedralLattice lattice, ref int[] rows, int stride)
    {
        int length = lattice.PointCount * (lattice.Dimensions + 1);
        if (rows.Length < length) rows = new int[length];
        var offsets = lattice.Offsets;
        var target = rows;
        for (int i = 0; i < length; i++) target[i] = offsets[i] * stride;
    }

    /// <summary>Blurs along every lattice axis in order, ping-ponging between the buffers; returns the one holding the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] Blur(PermutohedralLattice lattice, float[] current, float[] other, int stride)
    {
        int m = lattice.VertexCount;
        ref int neighbours = ref MemoryMarshal.GetArrayDataReference(lattice.Neighbours);
        for (int a = 0; a <= lattice.Dimensions; a++)
        {
            ref float src = ref MemoryMarshal.GetArrayDataReference(current);
            ref float dst = ref MemoryMarshal.GetArrayDataReference(other);
            ref int nb = ref Unsafe.Add(ref neighbours, 2 * a * m);
            for (int v = 1; v <= m; v++)
            {
                int n1 = Unsafe.Add(ref nb, 2 * v - 2) * stride;
                int n2 = Unsafe.Add(ref nb, 2 * v - 1) * stride;
                int o = v * stride;
                if (stride == 4)
                {
                    var s = Vector128.LoadUnsafe(ref src, (nuint)n1) + Vector128.LoadUnsafe(ref src, (nuint)n2);
                    Vector128.MultiplyAddEstimate(s, Vector128.Create(0.5f), Vector128.LoadUnsafe(ref src, (nuint)o)).StoreUnsafe(ref dst, (nuint)o);
                    continue;
                }
                for (int k = 0; k < stride; k += 8)
                {
                    var s = Vector256.LoadUnsafe(ref src, (nuint)(n1 + k)) + Vector256.LoadUnsafe(ref src, (nuint)(n2 + k));
                    Vector256.MultiplyAddEstimate(s, Vector256.Create(0.5f), Vector256.LoadUnsafe(ref src, (nuint)(o + k))).StoreUnsafe(ref dst, (nuint)(o + k));
                }
            }
            (current, other) = (other, current);
        }
        return current;
    }

    /// <summary>One visit of every pixel: message, softmax, then either splat into the next lattices or write the outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MeanFieldPass(CrfKernels kernels, int stride, int labelCount, float[]? gRead, float[]? bRead, float[]? gWrite, float[]? bWrite,
        Span<byte> labelsOut, Span<float> marginals)
    {
        int pixels = latticeWidth * latticeHeight;
        float gFactor = gaussian.Alpha * kernels.GaussianCompat;
        float bFactor = bilateral.Alpha * kernels.BilateralCompat;
        Span<float> rowSpan = stackalloc float[stride];
        ref float row = ref MemoryMarshal.GetReference(rowSpan);
        ref float negU = ref MemoryMarshal.GetArrayDataReference(negUnary);
        ref byte unaryLabel = ref MemoryMarshal.GetArrayDataReference(unaryLabels);
        ref float template = ref MemoryMarshal.GetArrayDataReference(unaryTemplate);
        bool fromLabels = unaryFromLabels;
        float given = unaryGiven;
        ref int gRows = ref MemoryMarshal.GetArrayDataReference(gaussianRows);
        ref float gWeights = ref MemoryMarshal.GetArrayDataReference(gaussian.Weights);
        ref float gNorm = ref MemoryMarshal.GetArrayDataReference(gaussianNorm);
        ref int bRows = ref MemoryMarshal.GetArrayDataReference(bilateralRows);
        ref float bWeights = ref MemoryMarshal.GetArrayDataReference(bilateral.Weights);
        ref float bNorm = ref MemoryMarshal.GetArrayDataReference(bilateralNorm);
        bool read = gRead is not null && bRead is not null;
        bool write = gWrite is not null && bWrite is not null;
        ref float gIn = ref read ? ref MemoryMarshal.GetArrayDataReference(gRead!) : ref Unsafe.NullRef<float>();
        ref float bIn = ref read ? ref MemoryMarshal.GetArrayDataReference(bRead!) : ref Unsafe.NullRef<float>();
        ref float gOut = ref write ? ref MemoryMarshal.GetArrayDataReference(gWrite!) : ref Unsafe.NullRef<float>();
        ref float bOut = ref write ? ref MemoryMarshal.GetArrayDataReference(bWrite!) : ref Unsafe.NullRef<float>();

        for (int i = 0; i < pixels; i++)
        {
            ref int go = ref Unsafe.Add(ref gRows, i * GaussianVertices);
            ref float gw = ref Unsafe.Add(ref gWeights, i * GaussianVertices);
            ref int bo = ref Unsafe.Add(ref bRows, i * BilateralVertices);
            ref float bw = ref Unsafe.Add(ref bWeights, i * BilateralVertices);
            float gn = Unsafe.Add(ref gNorm, i);
            float bn = Unsafe.Add(ref bNorm, i);
            ref float unary = ref fromLabels ? ref template : ref Unsafe.Add(ref negU, i * stride);
            int label = fromLabels ? Unsafe.Add(ref unaryLabel, i) : -1;
            Message(ref row, ref unary, label, given, read, ref gIn, ref go, ref gw, gn * gFactor, ref bIn, ref bo, ref bw, bn * bFactor, stride);
            float inverseSum = Exponentiate(ref row, stride);
            if (write)
            {
                // The softmax's normalisation rides on the splat's scale instead of a pass of its own.
                Splat(ref gOut, ref go, ref gw, GaussianVertices, gn * inverseSum, ref row, stride);
                Splat(ref bOut, ref bo, ref bw, BilateralVertices, bn * inverseSum, ref row, stride);
                continue;
            }
            for (int c = 0; c < labelCount; c++) rowSpan[c] *= inverseSum;
            if (!labelsOut.IsEmpty)
            {
                int best = 0;
                for (int c = 1; c < labelCount; c++)
                    if (rowSpan[c] > rowSpan[best]) best = c;
                labelsOut[i] = (byte)best;
            }
            if (!marginals.IsEmpty)
                for (int c = 0; c < labelCount; c++) marginals[c * pixels + i] = rowSpan[c];
        }
    }

    /// <summary>
    /// One pixel's logits −U + w_g·norm_g·slice_g + w_b·norm_b·slice_b (the slices only when <paramref name="read"/>),
    /// where −U is the unary row with <paramref name="given"/> put at lane <paramref name="label"/> (none when −1):
    /// the label CRF keeps one shared row and the label map instead of a row per pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Message(ref float row, ref float unary, int label, float given, bool read,
        ref float gValues, ref int gRows, ref float gWeights, float gScale,
        ref float bValues, ref int bRows, ref float bWeights, float bScale, int stride)
    {
        if (stride == 4)
        {
            var hit = Vector128.Equals(Vector128.Create(0, 1, 2, 3), Vector128.Create(label)).AsSingle();
            var m = Vector128.ConditionalSelect(hit, Vector128.Create(given), Vector128.LoadUnsafe(ref unary));
            if (read)
            {
                var g = Vector128<float>.Zero;
                for (int r = 0; r < GaussianVertices; r++)
                    g = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref gValues, (uint)Unsafe.Add(ref gRows, r)), Vector128.Create(Unsafe.Add(ref gWeights, r)), g);
                var b = Vector128<float>.Zero;
                for (int r = 0; r < BilateralVertices; r++)
                    b = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref bValues, (uint)Unsafe.Add(ref bRows, r)), Vector128.Create(Unsafe.Add(ref bWeights, r)), b);
                m = Vector128.MultiplyAddEstimate(g, Vector128.Create(gScale), m);
                m = Vector128.MultiplyAddEstimate(b, Vector128.Create(bScale), m);
            }
            m.StoreUnsafe(ref row);
            return;
        }
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (int k = 0; k < stride; k += 8)
        {
            ref float gChunk = ref Unsafe.Add(ref gValues, k);
            ref float bChunk = ref Unsafe.Add(ref bValues, k);
            var hit = Vector256.Equals(lanes, Vector256.Create(label - k)).AsSingle();
            var m = Vector256.ConditionalSelect(hit, Vector256.Create(given), Vector256.LoadUnsafe(ref unary, (nuint)k));
            if (read)
            {
                var g = Vector256<float>.Zero;
                for (int r = 0; r < GaussianVertices; r++)
                    g = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref gChunk, (uint)Unsafe.Add(ref gRows, r)), Vector256.Create(Unsafe.Add(ref gWeights, r)), g);
                var b = Vector256<float>.Zero;
                for (int r = 0; r < BilateralVertices; r++)
                    b = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref bChunk, (uint)Unsafe.Add(ref bRows, r)), Vector256.Create(Unsafe.Add(ref bWeights, r)), b);
                m = Vector256.MultiplyAddEstimate(g, Vector256.Create(gScale), m);
                m = Vector256.MultiplyAddEstimate(b, Vector256.Create(bScale), m);
            }
            m.StoreUnsafe(ref row, (nuint)k);
        }
    }

    /// <summary>values[vertex_r] += w_r · scale · row: the splat of one pixel's Q, scaled by its normalisations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Splat(ref float values, ref int rows, ref float weights, int vertices, float scale, ref float row, int stride)
    {
        if (stride == 4)
        {
            var q = Vector128.LoadUnsafe(ref row) * scale;
            for (int r = 0; r < vertices; r++)
            {
                ref float v = ref Unsafe.Add(ref values, (uint)Unsafe.Add(ref rows, r));
                Vector128.MultiplyAddEstimate(q, Vector128.Create(Unsafe.Add(ref weights, r)), Vector128.LoadUnsafe(ref v)).StoreUnsafe(ref v);
            }
            return;
        }
        for (int k = 0; k < stride; k += 8)
        {
            var q = Vector256.LoadUnsafe(ref row, (nuint)k) * scale;
            ref float chunk = ref Unsafe.Add(ref values, k);
            for (int r = 0; r < vertices; r++)
            {
                ref float v = ref Unsafe.Add(ref chunk, (uint)Unsafe.Add(ref rows, r));
                Vector256.MultiplyAddEstimate(q, Vector256.Create(Unsafe.Add(ref weights, r)), Vector256.LoadUnsafe(ref v)).StoreUnsafe(ref v);
            }
        }
    }

    /// <summary>row ← exp(row − max row) in place; returns 1/Σ row, the softmax's normalisation (padding lanes come out as exactly 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Exponentiate(ref float row, int stride)
    {
        if (stride == 4)
        {
            var v = Vector128.LoadUnsafe(ref row);
            var e = VectorExp.Exp(v - Vector128.Create(HorizontalMax(v)));
            e.StoreUnsafe(ref row);
            return 1f / Vector128.Sum(e);
        }
        var max = Vector256.LoadUnsafe(ref row);
        for (int k = 8; k < stride; k += 8) max = Vector256.MaxNative(max, Vector256.LoadUnsafe(ref row, (nuint)k));
        var top = Vector256.Create(HorizontalMax(Vector128.MaxNative(max.GetLower(), max.GetUpper())));
        var sum = Vector256<float>.Zero;
        for (int k = 0; k < stride; k += 8)
        {
            var e = VectorExp.Exp(Vector256.LoadUnsafe(ref row, (nuint)k) - top);
            e.StoreUnsafe(ref row, (nuint)k);
            sum += e;
        }
        return 1f / Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector128<float> v)
    {
        v = Vector128.MaxNative(v, Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1)));
        v = Vector128.MaxNative(v, Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2)));
        return v.ToScalar();
    }
}
