using System.Runtime.InteropServices;

namespace PuzzleCam.Affinity;

/// <summary>
/// The affinity of one pixel pair as AffinityNet defines it: one minus the largest edge probability on the straight
/// path between the two pixels. <see cref="Path"/> runs from the chosen pixel (0, 0) to its partner
/// (<see cref="Dy"/>, <see cref="Dx"/>), both ends included; <see cref="Peak"/> is the path point whose edge decides the
/// affinity (the first one along the path when several share the maximum).
/// </summary>
public sealed record PairAffinity(int Dy, int Dx, float Affinity, IReadOnlyList<(int Dy, int Dx)> Path, (int Dy, int Dx) Peak);

/// <summary>
/// AffinityNet's edge probabilities of one image (stride 4: a cell per 4x4 pixels), row-major. Every affinity the
/// network is trained on and the random walk runs on is read off such a map, so it can answer for any one pixel
/// which pairs it is tied to and which edge cuts each tie.
/// </summary>
public sealed record EdgeMap(int Height, int Width, float[] Values)
{
    /// <summary>An edge map from the [1, h, w] or [h, w] tensor of <see cref="Models.AffinityNet.GetEdge"/>.</summary>
    public static EdgeMap FromTensor(Tensor edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        if (edge.dim() is < 2 or > 3 || (edge.dim() == 3 && edge.shape[0] != 1))
            throw new ArgumentException($"expected an edge map [1, h, w] or [h, w], got [{string.Join(", ", edge.shape)}]", nameof(edge));
        using var values = edge.detach().to(float32).cpu().contiguous();
        return new EdgeMap((int)edge.shape[^2], (int)edge.shape[^1], MemoryMarshal.Cast<byte, float>(values.bytes).ToArray());
    }

    public float this[int row, int column] => Values[row * Width + column];

    public bool Inside(int row, int column) => row >= 0 && row < Height && column >= 0 && column < Width;

    /// <summary>
    /// The affinities of pixel (<paramref name="row"/>, <paramref name="column"/>) to every pixel of the map within
    /// <paramref name="radius"/> (dx² + dy² &lt; radius², both half-planes), by the paths of <see cref="PathIndex"/>:
    /// the training radius 10 by default, the random walk's 5 for its transition matrix. A pair and its mirror share
    /// one path, so the half-plane's paths, negated, serve the other half.
    /// </summary>
    public IReadOnlyList<PairAffinity> AffinitiesOf(int row, int column, int radius = AffinityNetTrainingOptions.Radius)
    {
        if (Values.Length != Height * Width) throw new InvalidOperationException($"the edge map has {Values.Length} values, expected {Height}x{Width}");
        if (!Inside(row, column)) throw new ArgumentOutOfRangeException(nameof(row), $"pixel ({row}, {column}) lies outside the {Height}x{Width} map");
        var pairs = new List<PairAffinity>();
        foreach (var halfPlanePath in PathIndex.SearchPaths(radius))
        {
            // SearchPaths runs destination first; from the chosen pixel outward is the reverse.
            var outward = halfPlanePath.Reverse().ToArray();
            foreach (int sign in new[] { 1, -1 })
            {
                var path = outward.Select(p => (Dy: sign * p.Dy, Dx: sign * p.Dx)).ToArray();
                var (dy, dx) = path[^1];
                if (!Inside(row + dy, column + dx)) continue;
                var peak = path[0];
                float max = this[row, column];
                foreach (var point in path)
                {
                    float edge = this[row + point.Dy, column + point.Dx];
                    if (edge > max)
                    {
                        max = edge;
                        peak = point;
                    }
                }
                pairs.Add(new PairAffinity(dy, dx, 1f - max, path, peak));
            }
        }
        return pairs;
    }
}
