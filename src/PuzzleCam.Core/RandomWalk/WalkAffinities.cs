using PuzzleCam.Affinity;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// The pair affinities of the random walk for an h×w edge map: for every pixel and every search direction of the
/// radius (a half-plane; the mirrored pairs are the same pairs), one minus the largest edge probability on the path
/// between the two ends. The reference pads the edge map with 1.0 and runs a <see cref="PathIndex"/> over the padded
/// map, then crops the padding away; a pair with both ends inside the image has its whole path inside the image, so
/// only those pairs are computed here, with the same values.
/// </summary>
internal sealed class WalkAffinities
{
    private readonly float[] _values;

    public WalkAffinities(ReadOnlySpan<float> edge, int height, int width, int radius)
    {
        if (edge.Length != height * width) throw new ArgumentException($"the edge map has {edge.Length} values, expected {height}x{width}", nameof(edge));
        Height = height;
        Width = width;
        Radius = radius;
        var paths = PathIndex.SearchPaths(radius);
        Directions = paths.Select(p => p[0]).ToArray();
        int pixels = height * width;
        _values = new float[Directions.Length * pixels];
        for (int d = 0; d < paths.Count; d++)
        {
            var path = paths[d];
            var (dy, dx) = path[0];
            var plane = _values.AsSpan(d * pixels, pixels);
            for (int r = 0; r < height; r++)
            {
                for (int c = 0; c < width; c++)
                {
                    if (!Inside(r + dy, c + dx)) continue;
                    float max = float.NegativeInfinity;
                    foreach (var (py, px) in path) max = Math.Max(max, edge[(r + py) * width + c + px]);
                    plane[r * width + c] = 1f - max;
                }
            }
        }
    }

    public int Height { get; }
    public int Width { get; }
    public int Radius { get; }

    /// <summary>Offset (dy, dx) of each direction, in the reference's order (path groups by length).</summary>
    public (int Dy, int Dx)[] Directions { get; }

    /// <summary>Affinity between pixels (r, c) and (r + dy, c + dx) of direction <paramref name="direction"/>; both must lie in the image.</summary>
    public float At(int direction, int r, int c) => _values[(direction * Height + r) * Width + c];

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
}
