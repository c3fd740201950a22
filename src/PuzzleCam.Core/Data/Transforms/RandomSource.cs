namespace PuzzleCam.Data.Transforms;

/// <summary>
/// A seeded pseudo-random stream (xoshiro256** seeded through SplitMix64) with the draws the augmentations need.
/// Streams are derived from a key path such as (seed, epoch, sample index) by a fixed 64-bit hash, so every sample gets
/// the same numbers however many worker threads load it and in whatever order; the reference's single global Python
/// <c>random</c> state cannot give that, so its exact draws are not reproduced, only their distributions.
/// An instance is not thread-safe: give each thread or sample its own (see <see cref="Derive"/>).
/// </summary>
public sealed class RandomSource
{
    private readonly ulong _key;
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A stream for a seed alone.</summary>
    public RandomSource(ulong seed) : this(new StreamKey(KeyOf(seed, []))) { }

    private RandomSource(StreamKey streamKey)
    {
        ulong key = streamKey.Value;
        _key = key;
        // SplitMix64 expands the key into four state words; it never yields the all-zero state xoshiro must avoid.
        ulong x = key;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// The stream for a key path under a seed, e.g. <c>Derive(seed, epoch, index)</c>. The same path always gives the same
    /// stream (across runs, threads and machines); paths that differ in any element give unrelated streams.
    /// </summary>
    public static RandomSource Derive(ulong seed, params ReadOnlySpan<long> path) => new(new StreamKey(KeyOf(seed, path)));

    /// <summary>An independent child stream of this one, keyed by <paramref name="id"/>; it does not advance this stream.</summary>
    public RandomSource Child(long id) => new(new StreamKey(Combine(_key, id)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>An integer uniform in [<paramref name="min"/>, <paramref name="max"/>], both ends included (Python's <c>randint</c>).</summary>
    public int NextInt(int min, int max)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), $"empty range [{min}, {max}]");
        ulong range = (ulong)((long)max - min) + 1;
        return (int)(min + (long)NextBelow(range));
    }

    /// <summary>A fair coin (Python's <c>getrandbits(1)</c>).</summary>
    public bool NextBit() => (NextUInt64() >> 63) != 0;

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Shuffles in place, every permutation equally likely (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((ulong)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly random permutation of 0 .. n-1.</summary>
    public int[] Permutation(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Shuffle(order.AsSpan());
        return order;
    }

    // Lemire's multiply-and-reject: unbiased without a division on the common path.
    private ulong NextBelow(ulong bound)
    {
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }

    // Keeps the hashed-key constructor apart from the public seed constructor.
    private readonly record struct StreamKey(ulong Value);

    private static ulong KeyOf(ulong seed, ReadOnlySpan<long> path)
    {
        ulong key = Mix(seed ^ 0x243F6A8885A308D3UL);
        foreach (long part in path) key = Combine(key, part);
        return key;
    }

    // Chained and non-linear, so (a, b) and (b, a) give different keys, as do paths of different lengths.
    private static ulong Combine(ulong key, long part) => Mix(ulong.RotateLeft(key, 23) ^ Mix((ulong)part + 0x9E3779B97F4A7C15UL));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
