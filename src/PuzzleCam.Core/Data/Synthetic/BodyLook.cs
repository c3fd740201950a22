namespace PuzzleCam.Data.Synthetic;

/// <summary>The five surface patterns a body can wear.</summary>
internal enum BodyPattern
{
    Plain,
    Spots,
    Stripes,
    Grid,
    Rings,
}

/// <summary>
/// The class look of a body, visible over all of it: class i wears pattern <c>i mod 5</c> in the muted hue family of
/// its badge colour (<c>i div 5</c>: red, yellow, blue, green), so the body echoes the badge's code in a form that
/// every part of the body shows. A body wears its own class's look only most of the time
/// (<see cref="SceneLayout.OwnLookChance"/>), which keeps the badge the strongest evidence.
/// </summary>
internal static class BodyLook
{
    /// <summary>Centre hue in degrees of each family, those of the badge colours.</summary>
    private static readonly double[] FamilyHues = [0, 48, 224, 133];

    public static BodyPattern PatternOf(int classIndex) => (BodyPattern)(classIndex % ClassBadge.ShapeCount);

    public static double HueOf(int classIndex) => FamilyHues[classIndex / ClassBadge.ShapeCount];
}
