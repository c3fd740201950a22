using System.Runtime.CompilerServices;

namespace PuzzleCam.Crf;

/// <summary>
/// Open-addressing map from lattice keys to dense vertex indices 0, 1, 2, … in order of first insertion.
/// A key is up to 8 coordinates of 16 bits (the reference keeps them as <c>short</c>), packed into two words so
/// that probing compares integers instead of coordinate arrays. The arrays are kept between builds.
/// </summary>
internal sealed class LatticeHashTable
{
    public const int MaxDimensions = 8;

    private int[] slots = [];
    private ulong[] keysLow = [];
    private ulong[] keysHigh = [];
    private int shift;
    private int mask;

    public int Count { get; private set; }

    /// <summary>Empties the table, sized for about <paramref name="expected"/> vertices (it grows past that when needed).</summary>
    public void Reset(int expected)
    {
        int capacity = (int)Math.Min(1L << 30, BitOperationsCeilingPow2(Math.Max(1024L, 2L * expected)));
        if (slots.Length < capacity) slots = new int[capacity];
        SetCapacity(capacity);
        Array.Fill(slots, -1, 0, capacity);
        Count = 0;
        if (keysLow.Length < expected)
        {
            keysLow = new ulong[expected];
            keysHigh = new ulong[expected];
        }
    }

    /// <summary>Packs 16-bit coordinates; false when one does not fit a <c>short</c> (such a key can never be stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryPack(ReadOnlySpan<int> key, out ulong low, out ulong high)
    {
        low = 0;
        high = 0;
        for (int i = 0; i < key.Length; i++)
        {
            int c = key[i];
            if (c < short.MinValue || c > short.MaxValue) return false;
            ulong bits = (ushort)(short)c;
            if (i < 4) low |= bits << (16 * i);
            else high |= bits << (16 * (i - 4));
        }
        return true;
    }

    public static void Unpack(ulong low, ulong high, Span<int> key)
    {
        for (int i = 0; i < key.Length; i++)
            key[i] = (short)(ushort)((i < 4 ? low >> (16 * i) : high >> (16 * (i - 4))) & 0xFFFF);
    }

    public ulong LowOf(int vertex) => keysLow[vertex];

    public ulong HighOf(int vertex) => keysHigh[vertex];

    /// <summary>The vertex of a key, inserted as the next index when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindOrAdd(ulong low, ulong high)
    {
        if (2 * (Count + 1) > mask + 1) Grow();
        int h = Slot(low, high);
        while (true)
        {
            int e = slots[h];
            if (e < 0)
            {
                if (Count == keysLow.Length)
                {
                    Array.Resize(ref keysLow, 2 * Count);
                    Array.Resize(ref keysHigh, 2 * Count);
                }
                keysLow[Count] = low;
                keysHigh[Count] = high;
                slots[h] = Count;
                return Count++;
            }
            if (keysLow[e] == low && keysHigh[e] == high) return e;
            h = (h + 1) & mask;
        }
    }

    /// <summary>The vertex of a key, or −1 when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong low, ulong high)
    {
        int h = Slot(low, high);
        while (true)
        {
            int e = slots[h];
            if (e < 0) return -1;
            if (keysLow[e] == low && keysHigh[e] == high) return e;
            h = (h + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong low, ulong high) =>
        (int)(((low ^ (high * 0x9E3779B97F4A7C15UL)) * 0xBF58476D1CE4E5B9UL) >> shift);

    private void SetCapacity(int capacity)
    {
        mask = capacity - 1;
        shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
    }

    private void Grow()
    {
        int capacity = 2 * (mask + 1);
        slots = new int[capacity];
        Array.Fill(slots, -1);
        SetCapacity(capacity);
        for (int e = 0; e < Count; e++)
        {
            int h = Slot(keysLow[e], keysHigh[e]);
            while (slots[h] >= 0) h = (h + 1) & mask;
            slots[h] = e;
        }
    }

    private static long BitOperationsCeilingPow2(long v) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)v);
}
