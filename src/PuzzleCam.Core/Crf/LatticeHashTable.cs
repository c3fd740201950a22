using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PuzzleCam.Crf;

/// <summary>
/// Open-addressing map from packed lattice keys to dense vertex indices 0, 1, 2, … in order of first insertion.
/// A key packs up to 6 lattice coordinates in 16-bit lanes (the reference keeps them as <c>short</c>), so probing
/// compares two integers, and each slot holds its key and vertex together so a probe touches one cache line.
/// The table starts from an estimate of the vertex count and keeps its largest size for later builds.
/// </summary>
internal sealed class LatticeHashTable
{
    /// <summary>Coordinates that fit a key: four in the low word, two in the high one.</summary>
    public const int MaxCoordinates = 6;

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Low;
        public uint High;
        public int VertexPlusOne; // 0 marks an empty slot, so clearing the array empties the table
    }

    private Slot[] slots = [];

    // Consecutive points mostly share vertices, so a small direct-mapped cache of recent keys (cache-resident,
    // unlike the table) answers most look-ups of FindOrAdd.
    private const int RecentSize = 4096;
    private readonly Slot[] recent = new Slot[RecentSize];
    private ulong[] keysLow = [];
    private uint[] keysHigh = [];
    private int shift;
    private int mask;
    private int growAt;

    public int Count { get; private set; }

    /// <summary>Empties the table, sized for about <paramref name="expected"/> vertices (it grows past that when needed).</summary>
    public void Reset(int expected)
    {
        // The table only grows: images alternating between lattice sizes would otherwise allocate a new one each
        // time. Clearing a table sized for a larger lattice costs far less than building one.
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(2L * expected, 1024, 1 << 30));
        if (slots.Length < capacity) slots = new Slot[capacity];
        else Array.Clear(slots);
        SetCapacity(slots.Length);
        Count = 0;
        Array.Clear(recent);
        if (keysLow.Length < expected)
        {
            keysLow = new ulong[expected];
            keysHigh = new uint[expected];
        }
    }

    public ulong LowOf(int vertex) => keysLow[vertex];

    public uint HighOf(int vertex) => keysHigh[vertex];

    /// <summary>The vertex of a key, inserted as the next index when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindOrAdd(ulong low, uint high)
    {
        ulong mixed = Mix(low, high);
        ref Slot cached = ref recent[(int)(mixed >> 52) & (RecentSize - 1)];
        if (cached.VertexPlusOne != 0 && cached.Low == low && cached.High == high) return cached.VertexPlusOne - 1;
        if (Count >= growAt) Grow();
        ref Slot first = ref MemoryMarshal.GetArrayDataReference(slots);
        int h = (int)(mixed >> shift);
        while (true)
        {
            ref Slot s = ref Unsafe.Add(ref first, h);
            if (s.VertexPlusOne == 0)
            {
                if (Count == keysLow.Length)
                {
                    Array.Resize(ref keysLow, Math.Max(1024, 2 * Count));
                    Array.Resize(ref keysHigh, keysLow.Length);
                }
                keysLow[Count] = low;
                keysHigh[Count] = high;
                s.Low = low;
                s.High = high;
                s.VertexPlusOne = ++Count;
                cached = s;
                return Count - 1;
            }
            if (s.Low == low && s.High == high)
            {
                cached = s;
                return s.VertexPlusOne - 1;
            }
            h = (h + 1) & mask;
        }
    }

    /// <summary>The vertex of a key, or −1 when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong low, uint high)
    {
        ref Slot first = ref MemoryMarshal.GetArrayDataReference(slots);
        int h = Hash(low, high);
        while (true)
        {
            ref Slot s = ref Unsafe.Add(ref first, h);
            if (s.VertexPlusOne == 0) return -1;
            if (s.Low == low && s.High == high) return s.VertexPlusOne - 1;
            h = (h + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong low, uint high) => (low ^ (high * 0x9E3779B97F4A7C15UL)) * 0xBF58476D1CE4E5B9UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(ulong low, uint high) => (int)(Mix(low, high) >> shift);

    private void SetCapacity(int capacity)
    {
        mask = capacity - 1;
        shift = 64 - BitOperations.Log2((uint)capacity);
        growAt = capacity / 10 * 7;
    }

    private void Grow()
    {
        var old = slots;
        slots = new Slot[2 * old.Length];
        SetCapacity(slots.Length);
        foreach (var s in old)
        {
            if (s.VertexPlusOne == 0) continue;
            int h = Hash(s.Low, s.High);
            while (slots[h].VertexPlusOne != 0) h = (h + 1) & mask;
            slots[h] = s;
        }
    }
}
