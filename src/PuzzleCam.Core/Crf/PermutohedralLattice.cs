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
    public void Build(ReadOnlySpan<float> features, int dimensions, int pointCount)
    {
        if (dimensions < 1 || dimensions > LatticeHashTable.MaxDimensions)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"the lattice supports 1..{LatticeHashTable.MaxDimensions} feature dimensions");
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
        table.Reset(pointCount);

        // Diagonal of the lifting matrix E, scaled so that the lattice's blur has the feature's unit variance.
        float invStdDev = (float)(Math.Sqrt(2.0 / 3.0) * d1);
        Span<float> scale = stackalloc float[d];
        for (int i = 0; i < d; i++) scale[i] = (float)(1.0 / Math.Sqrt((double)((i + 2) * (i + 1))) * invStdDev);

        Span<float> elevated = stackalloc float[d1];
        Span<int> rem0 = stackalloc int[d1];
        Span<int> rank = stackalloc int[d1];
        Span<float> barycentric = stackalloc float[d + 2];
        Span<int> key = stackalloc int[d];
        // Neighbouring points usually share a simplex (same remainder-0 point and rank order, hence the same
        // vertices); remembering the last one skips most hash look-ups.
        Span<int> lastRem0 = stackalloc int[d1];
        Span<int> lastRank = stackalloc int[d1];
        lastRank.Fill(-1);
        float downFactor = 1f / d1;
        float upFactor = d1;
        var offsets = Offsets;
        var weights = Weights;

        for (int k = 0; k < pointCount; k++)
        {
            var f = features.Slice(k * d, d);
            float sm = 0f;
            for (int j = d; j > 0; j--)
            {
                float cf = f[j - 1] * scale[j - 1];
                elevated[j] = sm - j * cf;
                sm += cf;
            }
            elevated[0] = sm;

            // Nearest point of the remainder-0 sublattice (coordinates that are multiples of d+1); ties round down.
            int sum = 0;
            for (int i = 0; i <= d; i++)
            {
                float v = downFactor * elevated[i];
                float up = MathF.Ceiling(v) * upFactor;
                float down = MathF.Floor(v) * upFactor;
                int rounded = up - elevated[i] < elevated[i] - down ? (int)up : (int)down;
                rem0[i] = rounded;
                sum += rounded / d1;
            }

            // Rank of each coordinate of the residual in decreasing order; ties go to the later coordinate.
            rank.Clear();
            for (int i = 0; i < d; i++)
            {
                float di = elevated[i] - rem0[i];
                for (int j = i + 1; j <= d; j++)
                {
                    if (di < elevated[j] - rem0[j]) rank[i]++;
                    else rank[j]++;
                }
            }

            // A rounded point off the hyperplane (coordinate sum ≠ 0) is brought back by shifting ranks cyclically.
            for (int i = 0; i <= d; i++)
            {
                rank[i] += sum;
                if (rank[i] < 0)
                {
                    rank[i] += d1;
                    rem0[i] += d1;
                }
                else if (rank[i] > d)
                {
                    rank[i] -= d1;
                    rem0[i] -= d1;
                }
            }

            barycentric.Clear();
            for (int i = 0; i <= d; i++)
            {
                float v = (elevated[i] - rem0[i]) * downFactor;
                barycentric[d - rank[i]] += v;
                barycentric[d - rank[i] + 1] -= v;
            }
            barycentric[0] = (float)(barycentric[0] + (1.0 + barycentric[d1]));

            int row = k * d1;
            bool sameSimplex = rem0.SequenceEqual(lastRem0) && rank.SequenceEqual(lastRank);
            for (int r = 0; r <= d; r++)
            {
                weights[row + r] = barycentric[r];
                if (sameSimplex)
                {
                    offsets[row + r] = offsets[row - d1 + r];
                    continue;
                }
                for (int i = 0; i < d; i++) key[i] = rem0[i] + (rank[i] <= d - r ? r : r - d1);
                if (!LatticeHashTable.TryPack(key, out ulong low, out ulong high))
                    throw new ArgumentException($"feature values too large for the lattice (a lattice coordinate exceeds ±32767 at point {k}); use larger standard deviations", nameof(features));
                offsets[row + r] = table.FindOrAdd(low, high) + 1;
            }
            rem0.CopyTo(lastRem0);
            rank.CopyTo(lastRank);
        }

        int m = table.Count;
        VertexCount = m;
        if (Neighbours.Length < 2 * d1 * m) Neighbours = new int[2 * d1 * m];
        var neighbours = Neighbours;
        Span<int> n1 = stackalloc int[d];
        Span<int> n2 = stackalloc int[d];
        for (int v = 0; v < m; v++)
        {
            LatticeHashTable.Unpack(table.LowOf(v), table.HighOf(v), key);
            for (int a = 0; a <= d; a++)
            {
                // One step along axis a: −1 on every other coordinate and +d on a (the implicit last coordinate
                // balances the sum when a = d), and the opposite step.
                for (int i = 0; i < d; i++)
                {
                    n1[i] = key[i] - 1;
                    n2[i] = key[i] + 1;
                }
                if (a < d)
                {
                    n1[a] = key[a] + d;
                    n2[a] = key[a] - d;
                }
                int at = 2 * (a * m + v);
                neighbours[at] = Lookup(n1);
                neighbours[at + 1] = Lookup(n2);
            }
        }
    }

    private int Lookup(ReadOnlySpan<int> key) =>
        LatticeHashTable.TryPack(key, out ulong low, out ulong high) ? table.Find(low, high) + 1 : 0;

    /// <summary>
    /// Filters <paramref name="valueSize"/> values per point (point-major) through the lattice without any
    /// normalisation, as the reference's <c>Permutohedral::compute</c> does; used for the normalisation and by tests.
    /// </summary>
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
    public void SymmetricNorm(Span<float> norm)
    {
        int n = PointCount;
        if (norm.Length < n) throw new ArgumentException($"need {n} values", nameof(norm));
        // Filter splats all of its input before it writes any output, so the ones can be filtered in place.
        norm[..n].Fill(1f);
        Filter(norm, norm, 1);
        for (int i = 0; i < n; i++) norm[i] = (float)(1.0 / Math.Sqrt(norm[i] + 1e-20));
    }
}
