namespace PuzzleCam.Data.Synthetic;

/// <summary>What <see cref="SyntheticVocDataset.Generate"/> makes. The defaults give a set that trains in minutes on a CPU.</summary>
public sealed record SyntheticOptions
{
    /// <summary>Training images (<c>--train</c>): all of them form train_aug; the first quarter also forms train.</summary>
    public int Train { get; init; } = 1000;

    /// <summary>Validation images (<c>--val</c>), disjoint from the training ones.</summary>
    public int Val { get; init; } = 100;

    /// <summary>Width and height of every image in pixels (<c>--size</c>).</summary>
    public int Size { get; init; } = 128;

    /// <summary>Dataset seed (<c>--seed</c>): the same seed gives byte-identical files.</summary>
    public int Seed { get; init; }

    /// <summary>JPEG quality of <c>JPEGImages</c>, 1..100.</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>Smallest image size: below it a body, its outline and a readable badge no longer fit.</summary>
    public const int MinSize = 48;

    /// <summary>Largest image size: keeps the buffers of the images rendered at once to some hundred megabytes.</summary>
    public const int MaxSize = 4096;

    /// <summary>Largest image count per split, so that ids keep six digits as VOC's do.</summary>
    public const int MaxImages = 999_999;

    /// <summary>Throws <see cref="BadInputException"/> naming the first bad flag (JPEG quality is no flag: <see cref="ArgumentOutOfRangeException"/>).</summary>
    public void Validate()
    {
        if (Train is < 1 or > MaxImages)
            throw new BadInputException($"--train (training images) must be in 1..{MaxImages}, got {Train}");
        // The id-list reader refuses an empty list, so val needs at least one image too.
        if (Val is < 1 or > MaxImages)
            throw new BadInputException($"--val (validation images) must be in 1..{MaxImages}, got {Val}");
        if (Size is < MinSize or > MaxSize)
            throw new BadInputException($"--size (image side in pixels) must be in {MinSize}..{MaxSize}, got {Size}");
        if (JpegQuality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(JpegQuality), JpegQuality, "JPEG quality must be in 1..100");
    }
}
