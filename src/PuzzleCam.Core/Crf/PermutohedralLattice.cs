using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PuzzleCam.Crf;

/// <summary>
/// The permutohedral lattice of Adams, Baek &amp; Davis (2010) as Krähenbühl's DenseCRF v2 builds it (the code
/// pydensecrf wraps): every feature point is lifted onto the hyperplane of ℝ^(d+1), scaled so that one lattice
/// step matches the filter's standard deviation, and splatted onto the d+1 vertices of its enclosing simplex with
/// barycentric weights. Filtering is splat, then a [1/2, 1, 1/2] blur along each of the d+1 lattice axes in turn,
/// then a slice with the same weights, scaled by 1/(1 + 2^−d). The result approximates Σ_j exp(−½‖f_i − f_j‖²) v_j.
/// The arithmetic follows the reference in float32 step by step (the rounding to the nearest remainder-0 point,
/// the tie rules of the rank sort), so that points fall into the same simplices as there.
/// Buffers are kept between builds; one instance serves one thread.
/// </summary>
internal sealed class PermutohedralLattice
{
    private readonly LatticeHashTable table = new();
    private float[] scratchA = [];
    private float[] scratchB = [];

    public int Dimensions { get; private set; }
    public int PointCount { get; private set; }
    public int VertexCount { get; private set; }

    /// <summary>
    /// Point i's simplex vertices at [i(d+1) + r], as slots 1..M of a value buffer: slot 0 is kept at zero and is
    /// what a missing blur neighbour reads.
    /// </summary>
    public int[] Offsets { get; private set; } = [];

    /// <summary>Barycentric weights, laid out as <see cref="Offsets"/>.</summary>
    public float[] Weights { get; private set; } = [];

    /// <summary>Blur neighbours: along axis a, vertex slot v (1-based) has slots [2(aM + v − 1)] and [2(aM + v − 1) + 1] (0 when absent).</summary>
    public int[] Neighbours { get; private set; } = [];

    /// <summary>The slice's magic constant 1/(1 + 2^−d) that restores the blur's overall gain (Adams et al.).</summary>
    public float Alpha => 1f / (1f + 1f / (1 << Dimensions));

    /// <summary>Builds the lattice of <paramref name="pointCount"/> points whose d features are stored point by point in <paramref name="features"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Build(ReadOnlySpan<float> features, int dimensions, int pointCount)
    {
        if (dimensions < 1 || dimensions > LatticeHashTable.MaxCoordinates)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"the lattice supports 1..{LatticeHashTable.MaxCoordinates} feature dimensions");
        if (features.Length < (long)dimensions * pointCount)
            throw new ArgumentException($"{pointCount} points of {dimensions} features need {dimensions * pointCount} values, got {features.Length}", nameof(features));
        int d = dimensions, d1 = d + 1;
        Dimensions = d;
        PointCount = pointCount;
        if (Offsets.Length < d1 * pointCount)
        {
            Offsets = new int[d1 * pointCount];
            Weights = new float[d1 * pointCount];
        }
        table.Reset(VertexCount > 0 ? VertexCount : pointCount / 8);

        // Diagonal of the lifting matrix E, scaled so that the lattice's blur has the feature's unit variance.
        float invStdDev = (float)(Math.Sqrt(2.0 / 3.0) * d1);
        Span<float> scale = stackalloc float[LatticeHashTable.MaxCoordinates];
        for (int i = 0; i < d; i++) scale[i] = (float)(1.0 / Math.Sqrt((double)((i + 2) * (i + 1))) * invStdDev);
        float s0 = scale[0], s1 = scale[1], s2 = scale[2], s3 = scale[3], s4 = scale[4], s5 = scale[5];

        // The d+1 lattice coordinates of a point sit in the lanes of one vector (d+1 ≤ 8), so the rounding and the
        // rank sort run without branches; the unused lanes are masked out of every count.
        const int Lanes = 8;
        Span<float> residual = stackalloc float[Lanes];
        Span<float> sorted = stackalloc float[Lanes];
        Span<int> rem0 = stackalloc int[Lanes];
        Span<int> rank = stackalloc int[Lanes];
        Span<int> byRank = stackalloc int[Lanes];
        var laneIndex = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var used = Vector256.LessThanOrEqual(laneIndex, Vector256.Create(d));
        Span<Vector256<int>> after = stackalloc Vector256<int>[Lanes];
        Span<Vector256<int>> before = stackalloc Vector256<int>[Lanes];
        for (int i = 0; i <= d; i++)
        {
            after[i] = Vector256.GreaterThan(laneIndex, Vector256.Create(i)) & used;
            before[i] = Vector256.LessThan(laneIndex, Vector256.Create(i));
        }
        var unit = Key.Unit(d);
        float downFactor = 1f / d1;
        float upFactor = d1;
        var down = Vector256.Create(downFactor);
        var up = Vector256.Create(upFactor);
        var offsets = Offsets;
        var weights = Weights;
        // Neighbouring points usually share a simplex (same remainder-0 point and rank order, hence the same
        // vertices); remembering the last one skips most hash look-ups.
        var lastRem0 = Vector256.Create(int.MinValue);
        var lastRank = Vector256.Create(int.MinValue);

        for (int k = 0; k < pointCount; k++)
        {
            // Elevation onto the hyperplane, in the reference's order: from the last feature down, each coordinate
            // is the running sum of the scaled features above it minus j times its own. Kept in registers: a
            // vector loaded right after scalar stores would stall.
            var f = features.Slice(k * d, d);
            float sm = 0f, e1, e2 = 0f, e3 = 0f, e4 = 0f, e5 = 0f, e6 = 0f, cf;
            if (d >= 6) { cf = f[5] * s5; e6 = sm - 6 * cf; sm += cf; }
            if (d >= 5) { cf = f[4] * s4; e5 = sm - 5 * cf; sm += cf; }
            if (d >= 4) { cf = f[3] * s3; e4 = sm - 4 * cf; sm += cf; }
            if (d >= 3) { cf = f[2] * s2; e3 = sm - 3 * cf; sm += cf; }
            if (d >= 2) { cf = f[1] * s1; e2 = sm - 2 * cf; sm += cf; }
            cf = f[0] * s0;
            e1 = sm - cf;
            sm += cf;
            var e = Vector256.Create(sm, e1, e2, e3, e4, e5, e6, 0f);

            // Nearest point of the remainder-0 sublattice (coordinates that are multiples of d+1); ties round down.
            var v = down * e;
            var ceiling = Vector256.Ceiling(v);
            var floor = Vector256.Floor(v);
            var quotient = Vector256.ConditionalSelect(Vector256.LessThan(ceiling * up - e, e - floor * up), ceiling, floor);
            var remainder = quotient * up;
            int sum = Vector256.Sum(Vector256.ConvertToInt32Native(quotient) & used);

            // Rank of each coordinate of the residual in decreasing order, ties going to the later coordinate:
            // rank_j = #{i < j : res_i ≥ res_j} + #{i > j : res_i > res_j}.
            var res = e - remainder;
            res.CopyTo(residual);
            var ranks = Vector256<int>.Zero;
            for (int i = 0; i <= d; i++)
            {
                var b = Vector256.Create(residual[i]);
                ranks -= (Vector256.GreaterThanOrEqual(b, res).AsInt32() & after[i]) | (Vector256.GreaterThan(b, res).AsInt32() & before[i]);
            }

            // A rounded point off the hyperplane (coordinate sum ≠ 0) is brought back by shifting ranks cyclically.
            ranks += Vector256.Create(sum);
            var wrapUp = Vector256.LessThan(ranks, Vector256<int>.Zero) & Vector256.Create(d1);
            var wrapDown = Vector256.GreaterThan(ranks, Vector256.Create(d)) & Vector256.Create(d1);
            ranks = (ranks + wrapUp - wrapDown) & used;
            var rem = (Vector256.ConvertToInt32Native(remainder) + wrapUp - wrapDown) & used;
            ((e - Vector256.ConvertToSingle(rem)) * down).CopyTo(residual);
            ranks.CopyTo(rank);
            rem.CopyTo(rem0);

            // Barycentric weights: with the scaled residuals sorted by decreasing rank, weight r is the gap between
            // neighbours r−1 and r, and weight 0 wraps around (1 + first − last, summed in double as the reference does).
            for (int i = 0; i <= d; i++)
            {
                sorted[d - rank[i]] = residual[i];
                byRank[rank[i]] = i;
            }
            int row = k * d1;
            weights[row] = (float)(sorted[0] + (1.0 - sorted[d]));
            for (int r = 1; r <= d; r++) weights[row + r] = sorted[r] - sorted[r - 1];
            if (rem == lastRem0 && ranks == lastRank)
            {
                for (int r = 0; r <= d; r++) offsets[row + r] = offsets[row - d1 + r];
                continue;
            }
            lastRem0 = rem;
            lastRank = ranks;
            // Vertex r is rem0 + r on every coordinate, minus d+1 on the coordinates of rank > d − r: from one
            // vertex to the next every coordinate gains 1 except the one of rank d − r + 1, which loses d.
            var key = Key.Pack(rem0[..d], k);
            offsets[row] = table.FindOrAdd(key.Low, key.High) + 1;
            for (int r = 1; r <= d; r++)
            {
                key += unit;
                int drop = byRank[d - r + 1];
                if (drop < d) key -= Key.Lane(drop, d1);
                offsets[row + r] = table.FindOrAdd(key.Low, key.High) + 1;
            }
        }

        int m = table.Count;
        VertexCount = m;
        if (Neighbours.Length < 2 * d1 * m) Neighbours = new int[2 * d1 * m];
        var neighbours = Neighbours;
        for (int v = 0; v < m; v++)
        {
            var key = new Key(table.LowOf(v), table.HighOf(v));
            for (int a = 0; a <= d; a++)
            {
                // One step along axis a: −1 on every other coordinate and +d on a (the implicit last coordinate
                // balances the sum when a = d), and the opposite step.
                var step = a < d ? unit - Key.Lane(a, d1) : unit;
                var n1 = key - step;
                var n2 = key + step;
                int at = 2 * (a * m + v);
                neighbours[at] = table.Find(n1.Low, n1.High) + 1;
                neighbours[at + 1] = table.Find(n2.Low, n2.High) + 1;
            }
        }
    }

    /// <summary>
    /// Lattice coordinates in 16-bit lanes, each biased by 2^15 so that lanes are non-negative: adding or
    /// subtracting packed keys then adds lane by lane without carries, as long as every lane stays in range, which
    /// <see cref="Pack"/> guarantees for the vertices and blur neighbours of a point.
    /// </summary>
    private readonly record struct Key(ulong Low, uint High)
    {
        private const int Bias = 1 << 15;

        /// <summary>Coordinates further than this from 0 could leave a lane when a vertex or neighbour is formed.</summary>
        private const int Limit = Bias - 2 * (LatticeHashTable.MaxCoordinates + 1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Key Pack(ReadOnlySpan<int> coordinates, int point)
        {
            ulong low = 0;
            uint high = 0;
            for (int i = 0; i < coordinates.Length; i++)
            {
                int c = coordinates[i];
                if (c < -Limit || c > Limit) ThrowOutOfRange(c, point);
                ulong lane = (ulong)(c + Bias);
                if (i < 4) low |= lane << (16 * i);
                else high |= (uint)lane << (16 * (i - 4));
            }
            return new Key(low, high);
        }

        private static void ThrowOutOfRange(int coordinate, int point) =>
            throw new ArgumentException($"feature values too large for the lattice (coordinate {coordinate} at point {point}); use larger standard deviations");

        /// <summary><paramref name="value"/> on coordinate <paramref name="index"/> alone (unbiased, for adding).</summary>
        public static Key Lane(int index, int value) =>
            index < 4 ? new Key((ulong)value << (16 * index), 0) : new Key(0, (uint)value << (16 * (index - 4)));

        /// <summary>1 on each of the first <paramref name="dimensions"/> coordinates.</summary>
        public static Key Unit(int dimensions)
        {
            var unit = new Key(0, 0);
            for (int i = 0; i < dimensions; i++) unit += Lane(i, 1);
            return unit;
        }

        public static Key operator +(Key a, Key b) => new(a.Low + b.Low, a.High + b.High);

        public static Key operator -(Key a, Key b) => new(a.Low - b.Low, a.High - b.High);
    }

    /// <summary>
    /// Filters <paramref name="valueSize"/> values per point (point-major) through the lattice without any
    /// normalisation, as the reference's <c>Permutohedral::compute</c> does: the plain form of what
    /// <see cref="SymmetricNorm"/> and the CRF's fused loops compute, against which the tests check them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Filter(ReadOnlySpan<float> input, Span<float> output, int valueSize)
    {
        int n = PointCount, d1 = Dimensions + 1, m = VertexCount;
        if (input.Length < n * valueSize || output.Length < n * valueSize)
            throw new ArgumentException($"filtering {n} points of {valueSize} values needs {n * valueSize} input and output values");
        int length = (m + 1) * valueSize;
        if (scratchA.Length < length)
        {
            scratchA = new float[length];
            scratchB = new float[length];
        }
        var values = scratchA.AsSpan(0, length);
        var next = scratchB.AsSpan(0, length);
        values.Clear();
        next.Clear();
        var offsets = Offsets;
        var weights = Weights;
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < d1; r++)
            {
                int o = offsets[i * d1 + r] * valueSize;
                float w = weights[i * d1 + r];
                for (int k = 0; k < valueSize; k++) values[o + k] += w * input[i * valueSize + k];
            }
        }
        for (int a = 0; a < d1; a++)
        {
            BlurAxis(values, next, a, valueSize);
            var t = values;
            values = next;
            next = t;
        }
        float alpha = Alpha;
        output[..(n * valueSize)].Clear();
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < d1; r++)
            {
                int o = offsets[i * d1 + r] * valueSize;
                float w = weights[i * d1 + r];
                for (int k = 0; k < valueSize; k++) output[i * valueSize + k] += w * values[o + k] * alpha;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BlurAxis(ReadOnlySpan<float> source, Span<float> target, int axis, int valueSize)
    {
        int m = VertexCount;
        var nb = Neighbours.AsSpan(2 * axis * m, 2 * m);
        for (int v = 1; v <= m; v++)
        {
            int o = v * valueSize, o1 = nb[2 * (v - 1)] * valueSize, o2 = nb[2 * (v - 1) + 1] * valueSize;
            for (int k = 0; k < valueSize; k++) target[o + k] = source[o + k] + 0.5f * (source[o1 + k] + source[o2 + k]);
        }
    }

    /// <summary>
    /// Symmetric normalisation (pydensecrf NORMALIZE_SYMMETRIC): norm_i = 1/√((K·1)_i + 1e−20), so that the
    /// normalised kernel diag(norm)·K·diag(norm) stays symmetric.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SymmetricNorm(Span<float> norm)
    {
        int n = PointCount, d1 = Dimensions + 1, m = VertexCount;
        if (norm.Length < n) throw new ArgumentException($"need {n} values", nameof(norm));
        // Filter(1) written out for one value per point: Filter's general inner loops cost more than the work here.
        if (scratchA.Length < m + 1)
        {
            scratchA = new float[m + 1];
            scratchB = new float[m + 1];
        }
        var values = scratchA.AsSpan(0, m + 1);
        var next = scratchB.AsSpan(0, m + 1);
        values.Clear();
        next.Clear();
        var offsets = Offsets.AsSpan(0, n * d1);
        var weights = Weights.AsSpan(0, n * d1);
        for (int i = 0; i < offsets.Length; i++) values[offsets[i]] += weights[i];
        for (int a = 0; a < d1; a++)
        {
            var nb = Neighbours.AsSpan(2 * a * m, 2 * m);
            for (int v = 1; v <= m; v++) next[v] = values[v] + 0.5f * (values[nb[2 * v - 2]] + values[nb[2 * v - 1]]);
            var t = values;
            values = next;
            next = t;
        }
        float alpha = Alpha;
        for (int i = 0; i < n; i++)
        {
            float sum = 0f;
            for (int r = 0; r < d1; r++) sum += weights[i * d1 + r] * values[offsets[i * d1 + r]] * alpha;
            norm[i] = (float)(1.0 / Math.Sqrt(sum + 1e-20));
        }
    }
}
