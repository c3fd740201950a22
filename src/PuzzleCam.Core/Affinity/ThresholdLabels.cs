using PuzzleCam.Crf;

namespace PuzzleCam.Affinity;

/// <summary>
/// Label maps from per-class score maps the way the reference makes affinity and pseudo labels: a constant
/// background plane at a threshold in front of the class planes, the argmax over them, optionally the label CRF,
/// then each index mapped to its class through the file's keys.
/// </summary>
public static class ThresholdLabels
{
    /// <summary>
    /// Per pixel, the argmax over [threshold; maps] (H·W indices 0..K): 0 where no class scores above
    /// <paramref name="threshold"/>. Ties go to the lower index, as NumPy's argmax does, so a class must beat the
    /// threshold strictly. The threshold is compared as float32, the dtype of the plane the reference pads in.
    /// </summary>
    public static byte[] Argmax(ClassMaps maps, float threshold)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Classes > byte.MaxValue - 1)
            throw new ArgumentException($"at most {byte.MaxValue - 1} class planes fit a byte label map, got {maps.Classes}", nameof(maps));
        int pixels = maps.Height * maps.Width;
        var best = new float[pixels];
        Array.Fill(best, threshold);
        var indices = new byte[pixels];
        var values = maps.Values;
        for (int k = 0; k < maps.Classes; k++)
        {
            var plane = values.AsSpan(k * pixels, pixels);
            byte label = (byte)(k + 1);
            for (int i = 0; i < plane.Length; i++)
            {
                if (plane[i] > best[i])
                {
                    best[i] = plane[i];
                    indices[i] = label;
                }
            }
        }
        return indices;
    }

    /// <summary>
    /// The reference's <c>crf_inference_label(image, indices, t, n_labels = K + 1)</c> in place, for t &gt; 0;
    /// t = 0 leaves the indices as they are (the reference then skips the CRF).
    /// </summary>
    public static void Refine(byte[] indices, int labelCount, RgbImage image, int iterations, DenseCrf crf)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(crf);
        if (iterations == 0) return;
        crf.InferLabels(image, indices, labelCount, new LabelCrfOptions { Iterations = iterations }, indices, default);
    }

    /// <summary>Replaces every index i (0..K) with <c>keys[i]</c>, the class it stands for (0 = background).</summary>
    public static void MapThroughKeys(Span<byte> indices, IReadOnlyList<long> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> table = stackalloc byte[256];
        table.Fill(byte.MaxValue);
        for (int i = 0; i < keys.Count && i < table.Length; i++)
        {
            if (keys[i] < 0 || keys[i] >= byte.MaxValue) throw new ArgumentException($"key {keys[i]} is not a class label 0..254", nameof(keys));
            table[i] = (byte)keys[i];
        }
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] >= keys.Count) throw new ArgumentException($"index {indices[i]} has no key (keys: {keys.Count})", nameof(indices));
            indices[i] = table[indices[i]];
        }
    }

    /// <summary>Checks that the maps cover the image and that the keys name every plane.</summary>
    internal static void CheckInputs(ClassMaps maps, IReadOnlyList<long> keys, RgbImage image, string mapsName)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(image);
        if (maps.Height != image.Height || maps.Width != image.Width)
            throw new ArgumentException($"'{mapsName}' is {maps.Height}x{maps.Width} but the image is {image.Height}x{image.Width}", nameof(maps));
        if (keys.Count != maps.Classes + 1)
            throw new ArgumentException($"'{mapsName}' has {maps.Classes} planes but the keys name {keys.Count - 1} classes", nameof(keys));
    }
}
