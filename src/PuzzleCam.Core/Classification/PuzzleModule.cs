namespace PuzzleCam.Classification;

/// <summary>
/// The puzzle module of Puzzle-CAM: cuts a batch into k x k tiles (stacked on the batch axis) and puts tile features
/// back together, so that the CAMs of the pieces can be matched to the CAM of the whole image.
/// </summary>
public static class PuzzleModule
{
    /// <summary>
    /// Splits every image into <paramref name="numPieces"/> tiles (a perfect square), row-major, and stacks them
    /// piece-major on the batch axis: all top-left tiles of the batch first, then all top-right ones, and so on.
    /// </summary>
    public static Tensor TileFeatures(Tensor x, int numPieces)
    {
        int k = SideOf(numPieces);
        long h = x.shape[2] / k, w = x.shape[3] / k;
        if (h * k != x.shape[2] || w * k != x.shape[3])
            throw new ArgumentException($"a {x.shape[2]}x{x.shape[3]} input does not split into {k}x{k} equal tiles (--num_pieces {numPieces})");
        var tiles = new List<Tensor>(numPieces);
        for (int row = 0; row < k; row++)
            for (int col = 0; col < k; col++)
                tiles.Add(x[.., .., TensorIndex.Slice(row * h, (row + 1) * h), TensorIndex.Slice(col * w, (col + 1) * w)]);
        return cat(tiles, 0);
    }

    /// <summary>The inverse of <see cref="TileFeatures"/>: groups of <paramref name="batchSize"/> tiles joined back into images.</summary>
    public static Tensor MergeFeatures(Tensor tiles, int numPieces, long batchSize)
    {
        int k = SideOf(numPieces);
        if (tiles.shape[0] != batchSize * numPieces)
            throw new ArgumentException($"{tiles.shape[0]} tiles are not {numPieces} pieces of a batch of {batchSize}");
        var pieces = tiles.split(batchSize, 0);
        var rows = new List<Tensor>(k);
        for (int row = 0; row < k; row++)
            rows.Add(cat(pieces.Skip(row * k).Take(k).ToList(), 3));
        return cat(rows, 2);
    }

    private static int SideOf(int numPieces)
    {
        int k = (int)Math.Round(Math.Sqrt(numPieces));
        if (numPieces < 1 || k * k != numPieces) throw new BadInputException($"--num_pieces must be a perfect square (1, 4, 9, 16, ...), got {numPieces}");
        return k;
    }
}
