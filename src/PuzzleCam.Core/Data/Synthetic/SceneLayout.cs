namespace PuzzleCam.Data.Synthetic;

/// <summary>
/// One object of a scene: its class, its body, where its badge sits, and the class whose look its body wears (its own
/// most of the time).
/// </summary>
internal sealed record PlacedObject(
    int ClassIndex,
    BlobShape Body,
    double BadgeX,
    double BadgeY,
    double BadgeRadius,
    (double X, double Y) BadgeTurn,
    bool Truncated)
{
    public int Look { get; init; } = ClassIndex;
}

/// <summary>
/// The geometry of one synthetic image: objects stacked back to front and the map of which object owns each pixel.
/// Everything here is exact arithmetic on the image's own random stream, so masks and annotations never depend on
/// how the RGB picture is rasterised.
/// </summary>
internal sealed class SceneLayout
{
    private static readonly double[] ObjectCountWeights = [0.30, 0.30, 0.25, 0.15];

    private const double MinRadiusFraction = 0.10;
    private const double MaxRadiusFraction = 0.36;
    private const double MinRadiusPixels = 12;

    /// <summary>A body may leave the frame (VOC's truncated objects), but most of it stays inside.</summary>
    private const double MinInsideFraction = 0.6;

    /// <summary>An occluded object keeps this share of its pixels, so no object shrinks to a sliver.</summary>
    private const double MinVisibleFraction = 0.4;

    /// <summary>Chance that an object repeats a class already in the image (VOC images often hold several people, sheep, ...).</summary>
    private const double RepeatClassChance = 0.25;

    /// <summary>
    /// Chance that a body wears its own class's look; otherwise it wears the look of a class drawn at random (possibly
    /// its own). The look is visible over the whole body but less reliable than the badge, which is never wrong.
    /// </summary>
    public const double OwnLookChance = 0.7;

    private const int ObjectAttempts = 60;
    private const int FirstObjectAttempts = 2000;
    private const int BadgeAttempts = 40;

    private SceneLayout(int size, IReadOnlyList<PlacedObject> objects, byte[] owner)
    {
        Size = size;
        Objects = objects;
        Owner = owner;
    }

    public int Size { get; }

    /// <summary>Objects in drawing order: later ones cover earlier ones.</summary>
    public IReadOnlyList<PlacedObject> Objects { get; }

    /// <summary>Per pixel, 0 for background or k + 1 for the visible object k.</summary>
    public byte[] Owner { get; }

    /// <summary>Width of the dark outline around each body, in pixels.</summary>
    public static double OutlineWidth(int size) => Math.Max(1.25, size / 160.0);

    /// <summary>Half-width of the void band on each side of an object boundary (VOC marks about 5 px at 500 px; we keep it thinner).</summary>
    public static int VoidHalfWidth(int size) => 1 + size / 512;

    public static double BadgeRadius(int size, double bodyRadius) => Math.Max(Math.Max(3.5, 0.022 * size), 0.2 * bodyRadius);

    public static SceneLayout Sample(SplitMix64 rng, int size)
    {
        int wanted = 1 + rng.Pick(ObjectCountWeights);
        var owner = new byte[size * size];
        // Pixels an occluder may not take: every placed badge and a margin for the occluder's own outline.
        var guarded = new bool[size * size];
        var objects = new List<PlacedObject>(wanted);
        var area = new List<int>(wanted);
        var visible = new List<int>(wanted);
        var cover = new List<int>();
        var lost = new int[wanted];
        double minRadius = Math.Max(MinRadiusPixels, MinRadiusFraction * size);
        double maxRadius = Math.Max(minRadius, MaxRadiusFraction * size);

        for (int n = 0; n < wanted; n++)
        {
            PlacedObject? placed = null;
            int attempts = n == 0 ? FirstObjectAttempts : ObjectAttempts;
            for (int attempt = 0; attempt < attempts && placed is null; attempt++)
            {
                int cls = objects.Count > 0 && rng.Chance(RepeatClassChance)
                    ? objects[rng.NextInt(objects.Count)].ClassIndex
                    : rng.NextInt(VocClasses.Count);
                double radius = rng.Uniform(minRadius, maxRadius);
                var body = BlobShape.Sample(rng, rng.Uniform(0.05, 0.95) * size, rng.Uniform(0.05, 0.95) * size, radius);
                cover.Clear();
                body.Rasterize(size, cover);
                if (cover.Count < MinInsideFraction * body.Area) continue;
                if (!TryPlaceBadge(rng, body, size, out var bx, out var by, out var br)) continue;
                if (!LeavesOthersVisible(cover, owner, guarded, visible, area, lost)) continue;

                placed = new PlacedObject(cls, body, bx, by, br, rng.UnitVector(), TouchesBorder(cover, size));
                for (int j = 0; j < objects.Count; j++) visible[j] -= lost[j];
                byte id = (byte)(n + 1);
                foreach (var p in cover) owner[p] = id;
                area.Add(cover.Count);
                visible.Add(cover.Count);
                Guard(guarded, size, bx, by, br + 1 + OutlineWidth(size));
            }
            if (placed is null)
            {
                // Only the first object is mandatory; a crowded image simply ends up with fewer objects.
                if (n == 0) throw new InvalidOperationException($"no object fits a {size}x{size} image; use a larger image size");
                break;
            }
            objects.Add(placed);
        }
        // Looks are drawn after the geometry, so that the masks of a seed do not depend on them.
        for (int k = 0; k < objects.Count; k++)
            if (!rng.Chance(OwnLookChance)) objects[k] = objects[k] with { Look = rng.NextInt(VocClasses.Count) };
        return new SceneLayout(size, objects, owner);
    }

    /// <summary>A random badge centre inside the body, far enough from its outline and from the image border.</summary>
    private static bool TryPlaceBadge(SplitMix64 rng, BlobShape body, int size, out double x, out double y, out double radius)
    {
        radius = BadgeRadius(size, body.Radius);
        double clearance = radius + 1 + OutlineWidth(size);
        double extent = body.Radius * body.MaxRadialFactor;
        for (int attempt = 0; attempt < BadgeAttempts; attempt++)
        {
            x = body.Cx + rng.Uniform(-extent, extent);
            y = body.Cy + rng.Uniform(-extent, extent);
            if (x - radius < 1 || y - radius < 1 || x + radius > size - 1 || y + radius > size - 1) continue;
            if (DiscInside(body, x, y, clearance)) return true;
        }
        x = y = 0;
        return false;
    }

    /// <summary>Whether the disc lies in the body, probed at its centre and at 24 points of its rim (exact rational points, no trigonometry).</summary>
    private static bool DiscInside(BlobShape body, double x, double y, double r)
    {
        if (!body.Contains(x, y)) return false;
        foreach (var (c, s) in RimDirections)
            if (!body.Contains(x + r * c, y + r * s)) return false;
        return true;
    }

    // The 3-4-5 and 5-12-13 triangles give unit vectors with rational coordinates, spread around the circle.
    private static readonly (double, double)[] RimDirections = BuildRimDirections();

    private static (double, double)[] BuildRimDirections()
    {
        (double, double)[] firstQuadrant = [(1, 0), (12 / 13.0, 5 / 13.0), (0.8, 0.6), (0.6, 0.8), (5 / 13.0, 12 / 13.0), (0, 1)];
        var all = new List<(double, double)>();
        foreach (var (c, s) in firstQuadrant)
        {
            all.Add((c, s));
            all.Add((-s, c));
            all.Add((-c, -s));
            all.Add((s, -c));
        }
        return all.Distinct().ToArray();
    }

    private static bool LeavesOthersVisible(List<int> cover, byte[] owner, bool[] guarded, List<int> visible, List<int> area, int[] lost)
    {
        Array.Clear(lost);
        foreach (var p in cover)
        {
            if (guarded[p]) return false;
            if (owner[p] != 0) lost[owner[p] - 1]++;
        }
        for (int j = 0; j < visible.Count; j++)
            if (visible[j] - lost[j] < MinVisibleFraction * area[j]) return false;
        return true;
    }

    private static void Guard(bool[] guarded, int size, double cx, double cy, double r)
    {
        int x0 = Math.Max(0, (int)Math.Floor(cx - r)), x1 = Math.Min(size - 1, (int)Math.Ceiling(cx + r));
        int y0 = Math.Max(0, (int)Math.Floor(cy - r)), y1 = Math.Min(size - 1, (int)Math.Ceiling(cy + r));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= r * r) guarded[y * size + x] = true;
            }
    }

    private static bool TouchesBorder(List<int> cover, int size)
    {
        foreach (var p in cover)
        {
            int x = p % size, y = p / size;
            if (x == 0 || y == 0 || x == size - 1 || y == size - 1) return true;
        }
        return false;
    }

    /// <summary>
    /// The VOC class map: 0 background, class index + 1 on each object's visible pixels, and 255 on a thin band along
    /// every boundary between two owners (object and background, or two overlapping objects), as VOC voids its borders.
    /// </summary>
    public LabelMap ToLabelMap()
    {
        int s = Size;
        var labels = new byte[s * s];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = Owner[i] == 0 ? VocClasses.Background : (byte)(Objects[Owner[i] - 1].ClassIndex + 1);

        var edge = new bool[s * s];
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                int i = y * s + x;
                if (x + 1 < s && Owner[i] != Owner[i + 1]) edge[i] = edge[i + 1] = true;
                if (y + 1 < s && Owner[i] != Owner[i + s]) edge[i] = edge[i + s] = true;
            }
        int grow = VoidHalfWidth(s) - 1;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                if (!edge[y * s + x]) continue;
                for (int yy = Math.Max(0, y - grow); yy <= Math.Min(s - 1, y + grow); yy++)
                    for (int xx = Math.Max(0, x - grow); xx <= Math.Min(s - 1, x + grow); xx++)
                        labels[yy * s + xx] = VocClasses.Ignore;
            }
        return new LabelMap(s, s, labels);
    }

    /// <summary>The box of each object's visible pixels, 0-based inclusive; every object keeps at least its badge.</summary>
    public (int XMin, int YMin, int XMax, int YMax)[] VisibleBoxes()
    {
        var boxes = Enumerable.Repeat((XMin: int.MaxValue, YMin: int.MaxValue, XMax: -1, YMax: -1), Objects.Count).ToArray();
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int k = Owner[y * Size + x] - 1;
                if (k < 0) continue;
                ref var b = ref boxes[k];
                b = (Math.Min(b.XMin, x), Math.Min(b.YMin, y), Math.Max(b.XMax, x), Math.Max(b.YMax, y));
            }
        return boxes;
    }
}
