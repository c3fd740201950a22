namespace PuzzleCam.Data.Synthetic;

/// <summary>
/// The SplitMix64 generator: a Weyl counter passed through a 64-bit bijective mixer. Its stream is fixed by the
/// algorithm alone, on every runtime and platform, so a dataset seed always yields the same scenes; the mixer also
/// serves as the stable hash that gives every image its own seed.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state = seed;

    /// <summary>The finaliser of SplitMix64: a bijection on 64-bit words with full avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Seed of one image from the dataset seed, the split and the image's index, each folded in through the mixer,
    /// so images are independent of each other and of the order in which threads render them.
    /// </summary>
    public static ulong ImageSeed(int datasetSeed, int splitTag, int index)
    {
        ulong h = Mix((ulong)(uint)datasetSeed + Golden);
        h = Mix(h ^ (ulong)(uint)splitTag * Golden);
        return Mix(h + (ulong)(uint)index);
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Integer in [0, <paramref name="n"/>) by multiply-shift: faster than a modulo, and its bias (below n / 2^32) is negligible here.</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>An index drawn with the given (not necessarily normalised) weights.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        double u = NextDouble() * total;
        for (int i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.Length - 1;
    }

    /// <summary>
    /// A uniformly oriented unit vector, by rejection from the square and one square root: no sine or cosine, whose
    /// last bits differ between maths libraries, so geometry built on it is the same everywhere.
    /// </summary>
    public (double X, double Y) UnitVector()
    {
        while (true)
        {
            double x = Uniform(-1, 1), y = Uniform(-1, 1), r2 = x * x + y * y;
            if (r2 > 1e-4 && r2 <= 1)
            {
                double r = Math.Sqrt(r2);
                return (x / r, y / r);
            }
        }
    }
}
