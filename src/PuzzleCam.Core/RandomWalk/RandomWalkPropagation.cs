using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// The random walk of <c>inference_rw.py</c> (<c>propagate_to_edge</c>): CAMs attenuated by (1 − edge) and
/// propagated by T^(2^exp_times), where T is the column-normalised β-th power of the pair affinities within the
/// radius. Each output pixel becomes an affinity-weighted average of its neighbourhood, iterated, so scores spread
/// inside regions and stop at edges. There is no background plane in the walk.
/// </summary>
public static class RandomWalkPropagation
{
    /// <summary>The stride of the CAMs and edge maps the walk runs on; the result is upsampled by it.</summary>
    public const int Stride = 4;

    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>
    /// Walks <paramref name="cams"/> [K, h, w] (row-major) over the edge map <paramref name="edge"/> [h, w] (edge
    /// probabilities, the <see cref="Models.AffinityNet.GetEdge"/> output); returns [K, h, w]. Sparse mode runs the
    /// classes on up to <paramref name="maxDegreeOfParallelism"/> threads (default: every core).
    /// </summary>
    public static float[] Propagate(ReadOnlySpan<float> cams, int classes, int height, int width, ReadOnlySpan<float> edge, RandomWalkOptions options,
        int? maxDegreeOfParallelism = null)
    {
        var attenuated = Attenuate(cams, classes, height, width, edge, options);
        if (classes == 0) return [];
        var affinities = new WalkAffinities(edge, height, width, options.Radius);
        return options.Mode == RandomWalkMode.Dense
            ? DenseWalk(attenuated, classes, affinities, options)
            : SparseWalk(attenuated, classes, affinities, options, maxDegreeOfParallelism ?? Environment.ProcessorCount);
    }

    /// <summary>
    /// The walk as it spreads: the maps [K, h, w] it starts from (the edge-attenuated CAMs, 0 steps), then after T,
    /// T², T⁴ … T^(2^exp_times), each continuing from the one before, so the last is <see cref="Propagate(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, RandomWalkOptions, int?)"/>'s
    /// result at the same cost. The steps are always the sparse stencil's (<see cref="RandomWalkOptions.Mode"/> is not
    /// read): the dense matrix powers give the same maps, and only the last of them.
    /// </summary>
    public static IReadOnlyList<WalkSnapshot> PropagateInPowers(ReadOnlySpan<float> cams, int classes, int height, int width, ReadOnlySpan<float> edge,
        RandomWalkOptions options, int? maxDegreeOfParallelism = null)
    {
        var current = Attenuate(cams, classes, height, width, edge, options);
        var snapshots = new List<WalkSnapshot> { new(0, current) };
        if (classes == 0) return snapshots;
        var stencil = new Stencil(new WalkAffinities(edge, height, width, options.Radius), options.Beta);
        int pixels = height * width;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism ?? Environment.ProcessorCount) };
        long done = 0;
        for (int power = 0; power <= options.ExpTimes; power++)
        {
            long target = 1L << power, more = target - done;
            var source = current;
            var next = new float[source.Length];
            Parallel.For(0, classes, parallel, k => stencil.Walk(source.AsSpan(k * pixels, pixels), next.AsSpan(k * pixels, pixels), more));
            snapshots.Add(new WalkSnapshot(target, next));
            (current, done) = (next, target);
        }
        return snapshots;
    }

    /// <summary>Checks the inputs of a walk and returns x ⊙ (1 − edge): a CAM on an edge does not spread.</summary>
    private static float[] Attenuate(ReadOnlySpan<float> cams, int classes, int height, int width, ReadOnlySpan<float> edge, RandomWalkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        int pixels = height * width;
        if (cams.Length != classes * pixels) throw new ArgumentException($"{cams.Length} CAM values are not {classes} planes of {height}x{width}", nameof(cams));
        if (edge.Length != pixels) throw new ArgumentException($"the edge map has {edge.Length} values, expected {height}x{width}", nameof(edge));
        var attenuated = new float[cams.Length];
        for (int k = 0; k < classes; k++)
            for (int p = 0; p < pixels; p++) attenuated[k * pixels + p] = cams[k * pixels + p] * (1f - edge[p]);
        return attenuated;
    }

    /// <summary>
    /// The tensor form, as the reference calls it: <paramref name="cams"/> [K, h, w], <paramref name="edge"/> [1, h, w]
    /// (or [h, w]); returns the walked maps [K, 1, h, w] (float32, CPU).
    /// </summary>
    public static Tensor Propagate(Tensor cams, Tensor edge, RandomWalkOptions options, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(cams);
        ArgumentNullException.ThrowIfNull(edge);
        if (cams.dim() != 3) throw new ArgumentException($"expected CAMs [K, h, w], got [{string.Join(", ", cams.shape)}]", nameof(cams));
        int classes = (int)cams.shape[0], height = (int)cams.shape[1], width = (int)cams.shape[2];
        if (edge.numel() != (long)height * width)
            throw new ArgumentException($"the edge map [{string.Join(", ", edge.shape)}] does not match the {height}x{width} CAMs", nameof(edge));
        var walked = Propagate(ToArray(cams), classes, height, width, ToArray(edge), options, maxDegreeOfParallelism);
        return tensor(walked, [classes, 1, height, width]);
    }

    /// <summary>
    /// The reference's last step: the walked maps [K, 1, h, w] upsampled ×<see cref="Stride"/> (bilinear,
    /// align_corners=False), cropped to the image's <paramref name="height"/>×<paramref name="width"/>, and divided by
    /// their global maximum over all classes and pixels (not per class). Returns [K, H, W]. Maps that are zero
    /// everywhere stay zero (the reference would divide by zero).
    /// </summary>
    public static Tensor UpsampleAndNormalize(Tensor walked, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(walked);
        if (walked.dim() != 4 || walked.shape[1] != 1)
            throw new ArgumentException($"expected walked maps [K, 1, h, w], got [{string.Join(", ", walked.shape)}]", nameof(walked));
        if (walked.shape[2] * Stride < height || walked.shape[3] * Stride < width)
            throw new ArgumentException($"maps [{string.Join(", ", walked.shape)}] upsampled x{Stride} do not cover {height}x{width}");
        if (walked.shape[0] == 0) return zeros(0, height, width, dtype: walked.dtype, device: walked.device);
        using var scope = NewDisposeScope();
        var up = nn.functional.interpolate(walked, scale_factor: [Stride, Stride], mode: InterpolationMode.Bilinear, align_corners: false);
        var cropped = up.select(1, 0).narrow(1, 0, height).narrow(2, 0, width);
        var max = cropped.max();
        var result = max.item<float>() > 0 ? cropped.div(max) : cropped;
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The most pixels of the stride-4 grid the dense walk takes (a 512x512 image): its matrix holds the square of that
    /// many floats, 1 GB here, and the walk keeps three such at once.
    /// </summary>
    public const long MaxDenseNodes = 128 * 128;

    /// <summary>Why the dense walk cannot take a grid of <paramref name="height"/> x <paramref name="width"/> pixels (stride 4), or null when it can.</summary>
    public static string? DenseProblem(int height, int width)
    {
        long n = (long)((height - 1) / Stride + 1) * ((width - 1) / Stride + 1);
        if (n <= MaxDenseNodes) return null;
        double gigabytes = (double)n * n * sizeof(float) / (1L << 30);
        return FormattableString.Invariant($"the dense walk of a {width}x{height} image needs a {n}x{n} matrix ({gigabytes:0.#} GB, three held at once), more than the {MaxDenseNodes}x{MaxDenseNodes} the dense walk holds");
    }

    /// <summary>The reference's transition matrix: A^β elementwise, columns normalised to sum 1, then squared <paramref name="expTimes"/> times.</summary>
    internal static Tensor TransitionMatrix(Tensor denseAffinity, int beta, int expTimes)
    {
        using var scope = NewDisposeScope();
        using var exponent = beta.ToScalar();
        var transition = denseAffinity.pow(exponent);
        transition.div_(transition.sum(0, keepdim: true));
        // Each square replaces the last at once: the matrices are n² floats each.
        for (int i = 0; i < expTimes; i++)
        {
            var squared = transition.matmul(transition);
            transition.Dispose();
            transition = squared;
        }
        return transition.MoveToOuterDisposeScope();
    }

    private static float[] DenseWalk(float[] attenuated, int classes, WalkAffinities affinities, RandomWalkOptions options)
    {
        long n = (long)affinities.Height * affinities.Width;
        if (n > MaxDenseNodes)
            throw new ArgumentException($"the dense walk takes grids of at most {MaxDenseNodes} pixels, got {affinities.Height}x{affinities.Width}; use the sparse walk");
        using var scope = NewDisposeScope();
        Tensor transition;
        // The affinities are let go once the transition matrix is made, so that at most three n² matrices live at once.
        using (var dense = tensor(affinities.Dense(), [n, n])) transition = TransitionMatrix(dense, options.Beta, options.ExpTimes);
        var walked = tensor(attenuated, [classes, n]).matmul(transition);
        return ToArray(walked);
    }

    /// <summary>
    /// y ← y·T, 2^exp_times times, for each class. Column j of T has a non-zero only for the pixels i within the
    /// radius of j: T[i, j] = A[i, j]^β / Σ_i' A[i', j]^β. So each step is a stencil: y'[j] = Σ_o W[o, j] · y[j + o]
    /// over the offsets o (self, the half-plane directions and their mirrors), with the weights W precomputed once.
    /// Classes are independent walks and run in parallel.
    /// </summary>
    private static float[] SparseWalk(float[] attenuated, int classes, WalkAffinities affinities, RandomWalkOptions options, int maxDegreeOfParallelism)
    {
        var stencil = new Stencil(affinities, options.Beta);
        int pixels = affinities.Height * affinities.Width;
        var result = new float[attenuated.Length];
        long steps = 1L << options.ExpTimes;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) };
        Parallel.For(0, classes, parallel, k =>
            stencil.Walk(attenuated.AsSpan(k * pixels, pixels), result.AsSpan(k * pixels, pixels), steps));
        return result;
    }

    private static float[] ToArray(Tensor t)
    {
        using var values = t.detach().to(float32).cpu().contiguous();
        return MemoryMarshal.Cast<byte, float>(values.bytes).ToArray();
    }

    /// <summary>
    /// The transition matrix as weights [row][offset][column] over a map padded by the radius on every side (zeros),
    /// so neighbours outside the image read 0 and every offset is a fixed shift in the padded layout. Rows are
    /// rounded up to whole vectors; the extra columns have weight 0 and stay 0.
    /// </summary>
    private sealed class Stencil
    {
        private readonly int _height, _width, _pad, _rowLength, _paddedWidth, _offsetCount;
        private readonly int[] _shifts;
        private readonly float[] _weights;

        public Stencil(WalkAffinities affinities, int beta)
        {
            _height = affinities.Height;
            _width = affinities.Width;
            _pad = affinities.Radius - 1;
            _rowLength = (_width + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
            _paddedWidth = _rowLength + 2 * _pad;
            var directions = affinities.Directions;
            _offsetCount = 1 + 2 * directions.Length;
            _shifts = new int[_offsetCount];
            for (int d = 0; d < directions.Length; d++)
            {
                _shifts[1 + d] = directions[d].Dy * _paddedWidth + directions[d].Dx;
                _shifts[1 + directions.Length + d] = -_shifts[1 + d];
            }
            _weights = new float[_height * _offsetCount * _rowLength];
            var scaled = new double[_offsetCount];
            for (int r = 0; r < _height; r++)
            {
                for (int c = 0; c < _width; c++)
                {
                    // Column j = (r, c) of A^β: itself, then i = j + d (the pair j → i of direction d), then
                    // i = j − d (the pair i → j). A is symmetric, so both are the stored affinity of the pair.
                    scaled[0] = 1;
                    double sum = 1;
                    for (int d = 0; d < directions.Length; d++)
                    {
                        var (dy, dx) = directions[d];
                        double forward = affinities.Inside(r + dy, c + dx) ? Power(affinities.At(d, r, c), beta) : 0;
                        double backward = affinities.Inside(r - dy, c - dx) ? Power(affinities.At(d, r - dy, c - dx), beta) : 0;
                        scaled[1 + d] = forward;
                        scaled[1 + directions.Length + d] = backward;
                        sum += forward + backward;
                    }
                    for (int o = 0; o < _offsetCount; o++) _weights[(r * _offsetCount + o) * _rowLength + c] = (float)(scaled[o] / sum);
                }
            }
        }

        /// <summary>x^n by squaring (n &gt;= 1), in double: exact enough and far cheaper than Math.Pow for each of the hw·2·directions pairs.</summary>
        private static double Power(double x, int n)
        {
            double result = 1;
            for (; n > 0; n >>= 1, x *= x)
                if ((n & 1) != 0) result *= x;
            return result;
        }

        public void Walk(ReadOnlySpan<float> input, Span<float> output, long steps)
        {
            int paddedLength = (_height + 2 * _pad) * _paddedWidth;
            var current = new float[paddedLength];
            var next = new float[paddedLength];
            for (int r = 0; r < _height; r++) input.Slice(r * _width, _width).CopyTo(current.AsSpan(Origin(r), _width));
            for (long s = 0; s < steps; s++)
            {
                Step(current, next);
                (current, next) = (next, current);
            }
            for (int r = 0; r < _height; r++) current.AsSpan(Origin(r), _width).CopyTo(output.Slice(r * _width, _width));
        }

        private int Origin(int r) => (r + _pad) * _paddedWidth + _pad;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Step(float[] source, float[] target)
        {
            int vector = Vector<float>.Count;
            ref float weights = ref MemoryMarshal.GetArrayDataReference(_weights);
            ref float src = ref MemoryMarshal.GetArrayDataReference(source);
            ref float dst = ref MemoryMarshal.GetArrayDataReference(target);
            ref int shifts = ref MemoryMarshal.GetArrayDataReference(_shifts);
            for (int r = 0; r < _height; r++)
            {
                int origin = Origin(r);
                ref float rowWeights = ref Unsafe.Add(ref weights, r * _offsetCount * _rowLength);
                for (int c = 0; c < _rowLength; c += vector)
                {
                    ref float at = ref Unsafe.Add(ref src, origin + c);
                    var sum = Vector.LoadUnsafe(ref Unsafe.Add(ref rowWeights, c)) * Vector.LoadUnsafe(ref at);
                    for (int o = 1; o < _offsetCount; o++)
                    {
                        var w = Vector.LoadUnsafe(ref Unsafe.Add(ref rowWeights, o * _rowLength + c));
                        sum = Vector.FusedMultiplyAdd(w, Vector.LoadUnsafe(ref Unsafe.Add(ref at, Unsafe.Add(ref shifts, o))), sum);
                    }
                    sum.StoreUnsafe(ref Unsafe.Add(ref dst, origin + c));
                }
            }
        }
    }
}

/// <summary>The random-walk maps [K, h, w] (row-major) after <see cref="Steps"/> products with the transition matrix T.</summary>
public sealed record WalkSnapshot(long Steps, float[] Maps);
