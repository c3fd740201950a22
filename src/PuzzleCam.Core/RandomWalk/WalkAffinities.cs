using PuzzleCam.Affinity;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// The pair affinities of the random walk for an h×w edge map, computed as <c>propagate_to_edge</c> does: the edge
/// map padded with 1.0 (radius columns left and right, radius rows below), a <see cref="PathIndex"/> over the padded
/// map, and per pair one minus the largest edge probability on its path. Every pair with both ends inside the image
/// has its whole path inside the image, so the padding value never reaches them.
/// </summary>
internal sealed class WalkAffinities
{
    public WalkAffinities(ReadOnlySpan<float> edge, int height, int width, int radius)
    {
        if (edge.Length != height * width) throw new ArgumentException($"the edge map has {edge.Length} values, expected {height}x{width}", nameof(edge));
        Height = height;
        Width = width;
        Index = new PathIndex(radius, height + radius, width + 2 * radius);
        int paddedWidth = width + 2 * radius;
        var padded = new float[(height + radius) * paddedWidth];
        Array.Fill(padded, 1f);
        for (int r = 0; r < height; r++) edge.Slice(r * width, width).CopyTo(padded.AsSpan(r * paddedWidth + radius, width));
        Padded = PathAffinities(padded, Index);
        Directions = Index.Destinations.ToArray();
        // Image column c is padded column c + radius, which is source-window column c + radius - RadiusFloor.
        _columnShift = radius - Index.RadiusFloor;
    }

    private readonly int _columnShift;

    public int Height { get; }
    public int Width { get; }

    /// <summary>The path index over the padded map (its directions are the walk's half-plane offsets).</summary>
    public PathIndex Index { get; }

    /// <summary>Affinities over the padded map's source window [directions, sources] (the reference's <c>sparse_aff</c>).</summary>
    public float[] Padded { get; }

    /// <summary>Offset (dy, dx) of each direction, in the order of <see cref="Padded"/>.</summary>
    public (int Dy, int Dx)[] Directions { get; }

    /// <summary>Affinity between image pixels (r, c) and (r + dy, c + dx) of direction <paramref name="direction"/>; both must lie in the image.</summary>
    public float At(int direction, int r, int c) =>
        Padded[direction * Index.SourceCount + (long)r * Index.CroppedWidth + c + _columnShift];

    /// <summary>Whether pixel (r, c) lies in the image.</summary>
    public bool Inside(int r, int c) => r >= 0 && r < Height && c >= 0 && c < Width;

    /// <summary>
    /// The symmetric dense affinity matrix over the image's pixels [hw, hw] (row-major flat indices): 1 on the
    /// diagonal, the pair affinity for pairs within the radius (both orders), 0 elsewhere.
    /// </summary>
    public float[] Dense()
    {
        long n = (long)Height * Width;
        var dense = new float[n * n];
        for (long i = 0; i < n; i++) dense[i * n + i] = 1f;
        for (int d = 0; d < Directions.Length; d++)
        {
            var (dy, dx) = Directions[d];
            for (int r = 0; r < Height; r++)
            {
                for (int c = 0; c < Width; c++)
                {
                    if (!Inside(r + dy, c + dx)) continue;
                    long i = (long)r * Width + c, j = (long)(r + dy) * Width + c + dx;
                    dense[i * n + j] = dense[j * n + i] = At(d, r, c);
                }
            }
        }
        return dense;
    }

    /// <summary>Per direction and source of <paramref name="index"/>: 1 − max of <paramref name="map"/> along the path (both ends included).</summary>
    internal static float[] PathAffinities(ReadOnlySpan<float> map, PathIndex index)
    {
        long n = index.SourceCount;
        var result = new float[index.DirectionCount * n];
        var max = new float[n];
        long row = 0;
        foreach (var group in index.Groups)
        {
            var indices = group.Indices;
            for (int d = 0; d < group.Directions.Count; d++, row++)
            {
                long start = (long)d * group.PathLength * n;
                for (long s = 0; s < n; s++) max[s] = map[(int)indices[start + s]];
                for (int p = 1; p < group.PathLength; p++)
                {
                    long offset = start + p * n;
                    for (long s = 0; s < n; s++) max[s] = Math.Max(max[s], map[(int)indices[offset + s]]);
                }
                var target = result.AsSpan((int)(row * n), (int)n);
                for (int s = 0; s < n; s++) target[s] = 1f - max[s];
            }
        }
        return result;
    }
}
