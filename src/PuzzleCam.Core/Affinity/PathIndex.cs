namespace PuzzleCam.Affinity;

/// <summary>
/// The pixel pairs AffinityNet scores (the algorithm of IRN, which the reference uses unchanged): from every source pixel of a cropped
/// window, one destination per search direction within <see cref="Radius"/> (a half-plane; symmetry is restored
/// later), and for each direction the straight pixel path between the two. Paths are grouped by length so that
/// each group is one dense index tensor.
/// </summary>
public sealed class PathIndex
{
    public PathIndex(int radius, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 2, nameof(radius));
        Radius = radius;
        RadiusFloor = radius - 1;
        Height = height;
        Width = width;
        CroppedHeight = height - RadiusFloor;
        CroppedWidth = width - 2 * RadiusFloor;
        if (CroppedHeight < 1 || CroppedWidth < 1)
            throw new ArgumentException(
                $"a {height}x{width} map leaves no source window for radius {radius} (needs height > {RadiusFloor} and width > {2 * RadiusFloor})",
                nameof(width));
        Groups = BuildGroups(radius, CroppedHeight, CroppedWidth);
        SourceIndices = WindowIndices(0, 0);
        long n = SourceCount;
        DestinationIndices = new long[DirectionCount * n];
        long row = 0;
        foreach (var group in Groups)
        {
            for (int d = 0; d < group.Directions.Count; d++, row++)
                Array.Copy(group.Indices, (long)d * group.PathLength * n, DestinationIndices, row * n, n);
        }
    }

    /// <summary>Search radius (10 for training, 5 for the random walk).</summary>
    public int Radius { get; }

    /// <summary>ceil(radius) - 1: how far a path can reach.</summary>
    public int RadiusFloor { get; }

    /// <summary>Size of the map the indices address (flat index = row * <see cref="Width"/> + column).</summary>
    public int Height { get; }

    public int Width { get; }

    /// <summary>Rows 0..CroppedHeight-1 and columns RadiusFloor..RadiusFloor+CroppedWidth-1 are the sources.</summary>
    public int CroppedHeight { get; }

    public int CroppedWidth { get; }

    public long SourceCount => (long)CroppedHeight * CroppedWidth;

    /// <summary>The path groups, by increasing path length.</summary>
    public IReadOnlyList<PathGroup> Groups { get; }

    public int DirectionCount => Groups.Sum(g => g.Directions.Count);

    /// <summary>Flat indices of the source window [SourceCount].</summary>
    public long[] SourceIndices { get; }

    /// <summary>Flat destination index per direction (groups concatenated) and source [DirectionCount, SourceCount].</summary>
    public long[] DestinationIndices { get; }

    /// <summary>Destination offset (dy, dx) per direction, in <see cref="DestinationIndices"/> order.</summary>
    public IEnumerable<(int Dy, int Dx)> Destinations => Groups.SelectMany(g => g.Paths.Select(p => p[0]));

    /// <summary>
    /// The path of every search direction for <paramref name="radius"/> (destination first, source (0, 0) last), in
    /// the order of <see cref="DestinationIndices"/>: grouped by increasing path length. For work that needs the
    /// offsets only, without building index tensors for a map.
    /// </summary>
    public static IReadOnlyList<(int Dy, int Dx)[]> SearchPaths(int radius)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 2, nameof(radius));
        return SearchDirections(radius).Select(d => PathTo(d.Dy, d.Dx)).GroupBy(p => p.Length).OrderBy(g => g.Key).SelectMany(g => g).ToList();
    }

    private long[] WindowIndices(int dy, int dx)
    {
        var indices = new long[SourceCount];
        long i = 0;
        for (int r = 0; r < CroppedHeight; r++)
        {
            long rowStart = (long)(r + dy) * Width + RadiusFloor + dx;
            for (int c = 0; c < CroppedWidth; c++) indices[i++] = rowStart + c;
        }
        return indices;
    }

    private List<PathGroup> BuildGroups(int radius, int ch, int cw)
    {
        var byLength = new SortedDictionary<int, List<(int Dy, int Dx)[]>>();
        foreach (var (dy, dx) in SearchDirections(radius))
        {
            var path = PathTo(dy, dx);
            if (!byLength.TryGetValue(path.Length, out var list)) byLength[path.Length] = list = [];
            list.Add(path);
        }
        var groups = new List<PathGroup>();
        long n = (long)ch * cw;
        foreach (var (length, paths) in byLength)
        {
            var indices = new long[paths.Count * length * n];
            for (int d = 0; d < paths.Count; d++)
            {
                for (int p = 0; p < length; p++)
                {
                    var window = WindowIndices(paths[d][p].Dy, paths[d][p].Dx);
                    Array.Copy(window, 0, indices, ((long)d * length + p) * n, n);
                }
            }
            groups.Add(new PathGroup(length, paths.Select(p => p[0]).ToList(), paths, indices));
        }
        return groups;
    }

    /// <summary>(0, x) for x = 1..r-1, then (y, x) for y = 1..r-1, |x| &lt; r with x² + y² &lt; r².</summary>
    private static IEnumerable<(int Dy, int Dx)> SearchDirections(int radius)
    {
        for (int x = 1; x < radius; x++) yield return (0, x);
        for (int y = 1; y < radius; y++)
        {
            for (int x = -radius + 1; x < radius; x++)
            {
                if (x * x + y * y < radius * radius) yield return (y, x);
            }
        }
    }

    /// <summary>
    /// Grid points of the box spanned by (0,0) and (dy,dx) closer than 1 to the line through them, farthest first
    /// (stable), so the destination comes first and the source last.
    /// </summary>
    private static (int Dy, int Dx)[] PathTo(int dy, int dx)
    {
        int lengthSq = dy * dy + dx * dx;
        var points = new List<(int Dy, int Dx)>();
        for (int y = Math.Min(0, dy); y <= Math.Max(0, dy); y++)
        {
            for (int x = Math.Min(0, dx); x <= Math.Max(0, dx); x++)
            {
                int cross = dy * x - dx * y;
                if (cross * cross < lengthSq) points.Add((y, x));
            }
        }
        return points.OrderByDescending(p => Math.Abs(p.Dy) + Math.Abs(p.Dx)).ToArray();
    }
}

/// <summary>
/// The directions whose paths have <see cref="PathLength"/> points, and their flat map indices
/// <see cref="Indices"/> [directions, PathLength, SourceCount] (point 0 = destination, last = source).
/// </summary>
public sealed record PathGroup(int PathLength, IReadOnlyList<(int Dy, int Dx)> Directions, IReadOnlyList<(int Dy, int Dx)[]> Paths, long[] Indices)
{
    public long[] Shape(long sourceCount) => [Directions.Count, PathLength, sourceCount];
}
