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
    }
}
