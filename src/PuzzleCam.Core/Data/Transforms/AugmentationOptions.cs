namespace PuzzleCam.Data.Transforms;

/// <summary>
/// Sizes and normalisation of the training and validation transforms. The defaults are stage 1's and stage 4's
/// (<c>--min_image_size 320 --max_image_size 640 --image_size 512</c>); <see cref="Segmentation"/> holds stage 7's.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Smallest long side drawn by the random resize (<c>--min_image_size</c>).</summary>
    public int MinImageSize { get; init; } = 320;

    /// <summary>Largest long side drawn by the random resize (<c>--max_image_size</c>).</summary>
    public int MaxImageSize { get; init; } = 640;

    /// <summary>Side of the square training crop and of the validation canvas (<c>--image_size</c>).</summary>
    public int CropSize { get; init; } = 512;

    /// <summary>Channel means of <see cref="Normalize"/> (ImageNet).</summary>
    public IReadOnlyList<double> Mean { get; init; } = Normalize.ImageNetMean;

    /// <summary>Channel standard deviations of <see cref="Normalize"/> (ImageNet).</summary>
    public IReadOnlyList<double> Std { get; init; } = Normalize.ImageNetStd;

    /// <summary>
    /// The reference's <c>--augment</c>: extra colour augmentations of the classification chain, tested by substring
    /// there, so "colorjitter", "randaugment" or both (e.g. "colorjitter_randaugment") switch them on; default "" (off).
    /// Unlike the reference, every word separated by '_', ',', '+' or white space must be one of the two: a typo
    /// would otherwise train silently without the augmentation. Only the classification chain reads it.
    /// </summary>
    public string Augment { get; init; } = "";

    /// <summary>Side of the label map AffinityNet trains on: the crop divided by the network's stride of 4 (<c>image_size // 4</c>).</summary>
    public int AffinityMaskSize => CropSize / 4;

    /// <summary>Stage 1 (classifier with the Puzzle module) and stage 4 (AffinityNet): long side 320..640, crop 512.</summary>
    public static AugmentationOptions Classification { get; } = new();

    /// <summary>Stage 7 (DeepLabv3+): long side 256..1024, crop 512.</summary>
    public static AugmentationOptions Segmentation { get; } = new() { MinImageSize = 256, MaxImageSize = 1024 };

    /// <summary>Fails with the offending option's name when the sizes are inconsistent.</summary>
    public void Validate()
    {
        if (MinImageSize <= 0) throw new ArgumentException($"MinImageSize must be positive, got {MinImageSize}", nameof(MinImageSize));
        if (MaxImageSize < MinImageSize)
            throw new ArgumentException($"MaxImageSize ({MaxImageSize}) must be at least MinImageSize ({MinImageSize})", nameof(MaxImageSize));
        if (CropSize <= 0) throw new ArgumentException($"CropSize must be positive, got {CropSize}", nameof(CropSize));
        ParseAugment(Augment);
    }

    /// <summary>
    /// Which augmentations an <c>--augment</c> string switches on (<see cref="ColorJitter"/>, <see cref="RandAugment"/>); fails, naming <c>--augment</c>, on any word other than
    /// "colorjitter" and "randaugment".
    /// </summary>
    public static (bool ColorJitter, bool RandAugment) ParseAugment(string augment)
    {
        ArgumentNullException.ThrowIfNull(augment);
        bool colorJitter = false, randAugment = false;
        foreach (var word in augment.Split(['_', ',', '+', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            switch (word)
            {
                case "colorjitter": colorJitter = true; break;
                case "randaugment": randAugment = true; break;
                default: throw new BadInputException($"--augment: unknown augmentation '{word}' in '{augment}'; use colorjitter, randaugment or both (e.g. colorjitter_randaugment)");
            }
        }
        return (colorJitter, randAugment);
    }
}
