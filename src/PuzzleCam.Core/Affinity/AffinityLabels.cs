using PuzzleCam.Cams;
using PuzzleCam.Crf;
using PuzzleCam.IO;

namespace PuzzleCam.Affinity;

/// <summary>
/// Thresholds of <c>make_affinity_labels.py</c>. The defaults are the script's; the README runs 0.40 / 0.10
/// (<see cref="Readme"/>).
/// </summary>
public sealed record AffinityLabelOptions
{
    /// <summary>
    /// <c>--fg_threshold</c>: a pixel is confidently a class when its CAM exceeds this (the strict map). Default 0.30,
    /// README 0.40.
    /// </summary>
    public double FgThreshold { get; init; } = 0.30;

    /// <summary>
    /// <c>--bg_threshold</c>: a pixel is confidently background when no CAM exceeds this (the lenient map). Default
    /// 0.05, README 0.10.
    /// </summary>
    public double BgThreshold { get; init; } = 0.05;

    /// <summary>The README's thresholds, fg 0.40 and bg 0.10.</summary>
    public static AffinityLabelOptions Readme { get; } = new() { FgThreshold = 0.40, BgThreshold = 0.10 };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the flag of the first bad value.</summary>
    public void Validate()
    {
        if (!(FgThreshold >= 0 && FgThreshold <= 1))
            throw new BadInputException($"--fg_threshold must be in [0, 1], got {FgThreshold}");
        if (!(BgThreshold >= 0 && BgThreshold <= 1))
            throw new BadInputException($"--bg_threshold must be in [0, 1], got {BgThreshold}");
        if (BgThreshold > FgThreshold)
            throw new BadInputException($"--bg_threshold ({BgThreshold}) must not exceed --fg_threshold ({FgThreshold})");
    }
}

/// <summary>
/// Stage 3 for one image: the confident label map AffinityNet learns from. A strict map (CAM above the fg threshold,
/// refined by the label CRF) gives the classes, a lenient one (the bg threshold, refined likewise) the background;
/// where the strict map says background but the lenient one does not, the pixel is uncertain (255, ignored).
/// The reference writes the map as a greyscale PNG; a palette PNG (<see cref="PalettePng"/>) holds the same bytes, and
/// <see cref="PalettePng.Read(string)"/> returns the raw values of either kind, so stage 4 reads both exactly.
/// </summary>
public static class AffinityLabels
{
    /// <summary>Ignore label of the uncertain pixels.</summary>
    public const byte Ignore = 255;

    /// <summary>The reference runs 10 mean-field iterations on both maps.</summary>
    public const int CrfIterations = 10;

    /// <summary>The confident map of a CAM file (its <c>hr_cam</c> and keys) and the RGB image it was computed on.</summary>
    public static LabelMap Compute(CamFile cams, RgbImage image, AffinityLabelOptions options, DenseCrf? crf = null, DenseCrf? bgCrf = null)
    {
        ArgumentNullException.ThrowIfNull(cams);
        var highRes = cams.HighResCam ?? throw new ArgumentException($"the CAM file has no '{CamFile.HighResCamName}' array", nameof(cams));
        return Compute(highRes, cams.Keys, image, options, crf, bgCrf);
    }

    /// <summary>
    /// The confident map (0 background, classes as named by <paramref name="keys"/>, 255 uncertain) from image-size
    /// CAMs [K, H, W]. Pass a <see cref="DenseCrf"/> to reuse its buffers over many images (one per thread); with a
    /// second one in <paramref name="bgCrf"/> the two CRFs run side by side on two threads (for the latency of one
    /// image), otherwise one after the other on <paramref name="crf"/>, which then builds its lattices once.
    /// </summary>
    public static LabelMap Compute(ClassMaps highResCam, IReadOnlyList<long> keys, RgbImage image, AffinityLabelOptions options, DenseCrf? crf = null,
        DenseCrf? bgCrf = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThresholdLabels.CheckInputs(highResCam, keys, image, CamFile.HighResCamName);
        crf ??= new DenseCrf();
        int labelCount = highResCam.Classes + 1;

        byte[] Confident(double threshold, DenseCrf engine)
        {
            var labels = ThresholdLabels.Argmax(highResCam, (float)threshold);
            ThresholdLabels.Refine(labels, labelCount, image, CrfIterations, engine);
            ThresholdLabels.MapThroughKeys(labels, keys);
            return labels;
        }

        byte[] fg, bg;
        if (bgCrf is null || ReferenceEquals(bgCrf, crf))
        {
            fg = Confident(options.FgThreshold, crf);
            bg = Confident(options.BgThreshold, crf);
        }
        else
        {
            var bgTask = Task.Run(() => Confident(options.BgThreshold, bgCrf));
            fg = Confident(options.FgThreshold, crf);
            bg = bgTask.GetAwaiter().GetResult();
        }

        for (int i = 0; i < fg.Length; i++)
        {
            if (fg[i] == 0) fg[i] = bg[i] == 0 ? (byte)0 : Ignore;
        }
        return new LabelMap(image.Width, image.Height, fg);
    }
}
