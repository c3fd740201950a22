namespace PuzzleCam.Cams;

/// <summary>Per pixel: the highest class score and its plane (-1 when there are no planes).</summary>
internal sealed class TopClass
{
    private readonly int classes;

    private TopClass(float[] score, int[] plane, int classes)
    {
        Score = score;
        Plane = plane;
        this.classes = classes;
    }

    public float[] Score { get; }
    public int[] Plane { get; }

    public static TopClass Of(ClassMaps maps)
    {
        int n = maps.Height * maps.Width;
        var score = new float[n];
        var plane = new int[n];
        Array.Fill(plane, -1);
        var values = maps.Values;
        for (int k = 0; k < maps.Classes; k++)
        {
            int offset = k * n;
            for (int p = 0; p < n; p++)
            {
                float v = values[offset + p];
                int current = plane[p];
                // NumPy's argmax takes the first NaN as the maximum; keep it once found.
                if (current >= 0 && float.IsNaN(score[p])) continue;
                if (current < 0 || v > score[p] || float.IsNaN(v))
                {
                    score[p] = v;
                    plane[p] = k;
                }
            }
        }
        return new TopClass(score, plane, maps.Classes);
    }

    public void Label(ReadOnlySpan<long> keys, double threshold, Span<byte> labels)
    {
        CheckKeys(keys, classes);
        // The threshold plane is stored in the maps' float32, as NumPy's pad casts it.
        float th = (float)threshold;
        byte background = (byte)keys[0];
        for (int p = 0; p < labels.Length; p++)
        {
            int k = Plane[p];
            float s = Score[p];
            labels[p] = k < 0 || (!float.IsNaN(s) && th >= s) ? background : (byte)keys[k + 1];
        }
    }

    public static void CheckKeys(ReadOnlySpan<long> keys, int classes)
    {
        if (keys.Length != classes + 1)
            throw new ArgumentException($"{keys.Length} keys for {classes} score planes; expected {classes + 1} (background first)", nameof(keys));
        if (keys.ContainsAnyExceptInRange(0L, 254L))
            throw new ArgumentException($"keys must be labels 0..254, got [{string.Join(", ", keys.ToArray())}]", nameof(keys));
    }
}
