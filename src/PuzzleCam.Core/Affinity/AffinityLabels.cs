using PuzzleCam.Crf;

namespace PuzzleCam.Affinity;

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
