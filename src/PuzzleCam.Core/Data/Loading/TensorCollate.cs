using System.Runtime.InteropServices;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Data.Loading;

/// <summary>
/// Stacks loaded samples into CPU tensors. Each writes straight into the native memory of a fresh
/// <c>torch.empty</c> tensor (one copy, no managed staging array), the fastest route measured for TorchSharp 0.107.
/// The tensors belong to the caller's current dispose scope.
/// </summary>
public static class TensorCollate
{
    /// <summary>Images of one size → float32 [B, C, H, W].</summary>
    public static Tensor Images(IReadOnlyList<ChwImage> images)
    {
        var first = RequireAny(images, nameof(images));
        int plane = first.Data.Length;
        for (int i = 1; i < images.Count; i++)
        {
            var im = images[i];
            if (im.Channels != first.Channels || im.Height != first.Height || im.Width != first.Width)
                throw new ArgumentException($"image {i} is {im.Channels}x{im.Height}x{im.Width}, image 0 is {first.Channels}x{first.Height}x{first.Width}", nameof(images));
        }
        var tensor = empty([images.Count, first.Channels, first.Height, first.Width], ScalarType.Float32);
        var destination = MemoryMarshal.Cast<byte, float>(tensor.bytes);
        for (int i = 0; i < images.Count; i++) images[i].Data.CopyTo(destination.Slice(i * plane, plane));
        return tensor;
    }

    /// <summary>Label maps of one size → int64 [B, H, W] (the class-index dtype of the losses).</summary>
    public static Tensor Masks(IReadOnlyList<LabelMap> masks)
    {
        var first = RequireAny(masks, nameof(masks));
        int plane = first.Labels.Length;
        for (int i = 1; i < masks.Count; i++)
            if (masks[i].Width != first.Width || masks[i].Height != first.Height)
                throw new ArgumentException($"mask {i} is {masks[i].Width}x{masks[i].Height}, mask 0 is {first.Width}x{first.Height}", nameof(masks));
        var tensor = empty([masks.Count, first.Height, first.Width], ScalarType.Int64);
        var destination = MemoryMarshal.Cast<byte, long>(tensor.bytes);
        for (int i = 0; i < masks.Count; i++)
        {
            var labels = masks[i].Labels;
            var row = destination.Slice(i * plane, plane);
            for (int j = 0; j < plane; j++) row[j] = labels[j];
        }
        return tensor;
    }

    /// <summary>Vectors of one length (e.g. 20-class tag vectors) → float32 [B, K].</summary>
    public static Tensor Rows(IReadOnlyList<float[]> rows)
    {
        var first = RequireAny(rows, nameof(rows));
        var tensor = empty([rows.Count, first.Length], ScalarType.Float32);
        var destination = MemoryMarshal.Cast<byte, float>(tensor.bytes);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != first.Length) throw new ArgumentException($"row {i} has {rows[i].Length} values, row 0 has {first.Length}", nameof(rows));
            rows[i].CopyTo(destination.Slice(i * first.Length, first.Length));
        }
        return tensor;
    }

    private static T RequireAny<T>(IReadOnlyList<T> items, string name) =>
        items.Count > 0 ? items[0] : throw new ArgumentException("cannot collate an empty batch", name);
}
