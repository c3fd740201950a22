namespace PuzzleCam.Data.Transforms;

/// <summary>
/// The reference's transform chains: pixel steps (resize, flip), then <see cref="Normalize"/> (with the HWC→CHW
/// transpose folded in), then steps on normalised floats (crop, mask resize). Every random draw comes from the
/// <see cref="RandomSource"/> passed to <see cref="Apply"/>, so a sample's augmentation depends on its stream alone.
/// </summary>
public sealed class TransformPipeline
{
    private readonly IPixelTransform[] _pixelSteps;
    private readonly INormalizedTransform[] _normalizedSteps;

    public TransformPipeline(IEnumerable<IPixelTransform> pixelSteps, Normalize normalize, IEnumerable<INormalizedTransform> normalizedSteps,
        bool requiresMask = false)
    {
        _pixelSteps = pixelSteps.ToArray();
        Normalize = normalize;
        _normalizedSteps = normalizedSteps.ToArray();
        RequiresMask = requiresMask;
    }

    public IReadOnlyList<IPixelTransform> PixelSteps => _pixelSteps;
    public Normalize Normalize { get; }
    public IReadOnlyList<INormalizedTransform> NormalizedSteps => _normalizedSteps;

    /// <summary>Whether <see cref="Apply"/> refuses a sample without a mask (segmentation and affinity chains).</summary>
    public bool RequiresMask { get; }

    /// <summary>
    /// Stage 1 training: RandomResize(min, max) → flip → [ColorJitter] → [RandAugment] → Normalize → RandomCrop(crop),
    /// the bracketed steps as <see cref="AugmentationOptions.Augment"/> asks.
    /// </summary>
    public static TransformPipeline ForClassificationTraining(AugmentationOptions options)
    {
        var (colorJitter, randAugment) = AugmentationOptions.ParseAugment(options.Augment);
        var extra = new List<IPixelTransform>();
        if (colorJitter) extra.Add(new ColorJitter());
        if (randAugment) extra.Add(new RandAugment());
        return Training(options, maskSize: null, requiresMask: false, extra);
    }

    /// <summary>Stage 7 training: the same chain applied to image and mask (mask NEAREST, crop padding 255).</summary>
    public static TransformPipeline ForSegmentationTraining(AugmentationOptions options) => Training(options, maskSize: null, requiresMask: true);

    /// <summary>Stage 4 training: the segmentation chain, then the mask resized NEAREST to <see cref="AugmentationOptions.AffinityMaskSize"/>².</summary>
    public static TransformPipeline ForAffinityTraining(AugmentationOptions options) => Training(options, options.AffinityMaskSize, requiresMask: true);

    /// <summary>In-training evaluation (stages 1 and 7): Normalize → TopLeftCrop(crop); nothing random. Masks are optional.</summary>
    public static TransformPipeline ForValidation(AugmentationOptions options)
    {
        options.Validate();
        return new TransformPipeline([], new Normalize(options.Mean, options.Std), [new TopLeftCrop(options.CropSize)]);
    }

    public TransformedSample Apply(RgbImage image, LabelMap? mask, RandomSource random)
    {
        if (RequiresMask && mask is null) throw new ArgumentException("this transform chain needs a mask for every sample", nameof(mask));
        var pixels = new PixelSample(image, mask);
        pixels.CheckMaskSize();
        foreach (var step in _pixelSteps) pixels = step.Apply(pixels, random);
        var sample = new TransformedSample(Normalize.Apply(pixels.Image), pixels.Mask);
        foreach (var step in _normalizedSteps) sample = step.Apply(sample, random);
        return sample;
    }

    private static TransformPipeline Training(AugmentationOptions options, int? maskSize, bool requiresMask, IEnumerable<IPixelTransform>? colourSteps = null)
    {
        options.Validate();
        var normalizedSteps = new List<INormalizedTransform> { new RandomCrop(options.CropSize) };
        if (maskSize is { } s) normalizedSteps.Add(new ResizeMask(s));
        return new TransformPipeline(
            [new RandomResize(options.MinImageSize, options.MaxImageSize), new RandomHorizontalFlip(), .. colourSteps ?? []],
            new Normalize(options.Mean, options.Std),
            normalizedSteps,
            requiresMask);
    }
}
