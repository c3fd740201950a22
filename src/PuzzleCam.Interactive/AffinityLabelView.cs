namespace PuzzleCam.Interactive;

/// <summary>
/// Stage 3's output over its image: the pixels the CAM is sure are an object (class colours), the pixels it is sure are
/// background (darkened) and those it leaves to AffinityNet to work out (striped, label 255). With the CAM file and
/// the thresholds it also draws the two maps the labels are cut from, before the CRF: the strict one (CAM above the
/// fg threshold) and the lenient one (CAM above the bg threshold). With the ground truth, the table says how often the
/// confident labels are right.
/// </summary>
public sealed record AffinityLabelView(RgbImage Image, LabelMap Labels)
{
    public CamFile? Cams { get; init; }

    public AffinityLabelOptions? Thresholds { get; init; }

    public LabelMap? GroundTruth { get; init; }

    public string? Title { get; init; }

    /// <summary>Share of the pixels labelled a class, background, and ignored (each 0..1).</summary>
    public (double Foreground, double Background, double Ignored) Shares()
    {
        long foreground = 0, background = 0, ignored = 0;
        foreach (var label in Labels.Labels)
        {
            if (label == VocClasses.Background) background++;
            else if (label == AffinityLabels.Ignore) ignored++;
            else foreground++;
        }
        double total = Math.Max(1, Labels.Labels.Length);
        return (foreground / total, background / total, ignored / total);
    }

    /// <summary>The labels drawn over the image: class colours, darkened background, stripes where ignored.</summary>
    public static RgbImage Confidence(RgbImage image, LabelMap labels)
    {
        CheckSize(image, labels);
        var result = image.Clone();
        var palette = VocClasses.Palette;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int i = y * image.Width + x;
                byte label = labels.Labels[i];
                for (int c = 0; c < 3; c++)
                {
                    byte under = image.Pixels[i * 3 + c];
                    result.Pixels[i * 3 + c] = label == VocClasses.Background ? ColorMap.Mix(under, 0, 0.65)
                        : label == AffinityLabels.Ignore ? ((x + y) % 6 < 2 ? ColorMap.Mix(under, 255, 0.8) : under)
                        : ColorMap.Mix(under, palette[label * 3 + c], 0.6);
                }
            }
        }
        return result;
    }

    public string ToHtml()
    {
        CheckSize(Image, Labels);
        var c = CultureInfo.InvariantCulture;
        var figures = new List<string> { Html.Image(Image, "image") };
        if (Cams?.HighResCam is { } cam && Thresholds is { } thresholds && cam.Width == Image.Width && cam.Height == Image.Height)
        {
            foreach (var (threshold, name) in new[] { (thresholds.FgThreshold, "strict: CAM above fg"), (thresholds.BgThreshold, "lenient: CAM above bg") })
            {
                var labels = ThresholdLabels.Argmax(cam, (float)threshold);
                ThresholdLabels.MapThroughKeys(labels, Cams.Keys);
                figures.Add(Html.LabelMap(new LabelMap(Image.Width, Image.Height, labels), string.Create(c, $"{name} {threshold:F2}, before the CRF")));
            }
        }
        figures.Add(Html.Image(Confidence(Image, Labels), "confident labels over the image"));
        figures.Add(Html.LabelMap(Labels, "affinity labels (beige: ignored)"));
        if (GroundTruth is not null) figures.Add(Html.LabelMap(GroundTruth, "ground truth"));

        var (foreground, background, ignored) = Shares();
        var rows = new List<IReadOnlyList<string>>
        {
            Row("confident foreground (a class)", foreground, Agreement(l => l != VocClasses.Background && l != AffinityLabels.Ignore)),
            Row("confident background", background, Agreement(l => l == VocClasses.Background)),
            Row("ignored (255): left to AffinityNet", ignored, null),
        };
        var header = GroundTruth is null ? new[] { "pixels", "share %" } : new[] { "pixels", "share %", "agrees with the ground truth %" };
        var keys = $"<div style=\"font-size:12px;margin:2px 4px\">{Key(0.65, 0, "confident background (darkened)")}{Key(0.8, 255, "ignored (striped)")}</div>";
        var labelsPresent = Html.PresentLabels(Labels).Where(l => l != AffinityLabels.Ignore);
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-affinity-labels\">{title}{Html.Row(figures)}{keys}{Html.Legend(labelsPresent)}{Html.Table(header, rows)}</div>";

        IReadOnlyList<string> Row(string name, double share, double? agreement) => GroundTruth is null
            ? [name, Html.Number(100 * share, "F1")]
            : [name, Html.Number(100 * share, "F1"), agreement is { } a ? Html.Number(100 * a, "F1") : "–"];
    }

    /// <summary>
    /// How often the confident labels are right: of the pixels labelled a class, and of those labelled background, the
    /// share (0..1) the ground truth labels the same (its ignored border left out); null without a ground truth.
    /// </summary>
    public (double Foreground, double Background)? Agreements() => GroundTruth is null ? null
        : (Agreement(l => l != VocClasses.Background && l != AffinityLabels.Ignore)!.Value, Agreement(l => l == VocClasses.Background)!.Value);

    private double? Agreement(Func<byte, bool> kind)
    {
        if (GroundTruth is null) return null;
        long counted = 0, same = 0;
        for (int i = 0; i < Labels.Labels.Length; i++)
        {
            byte label = Labels.Labels[i], truth = GroundTruth.Labels[i];
            if (!kind(label) || truth == VocClasses.Ignore) continue;
            counted++;
            if (label == truth) same++;
        }
        return counted == 0 ? double.NaN : (double)same / counted;
    }

    private static string Key(double opacity, byte over, string text)
    {
        byte shade = ColorMap.Mix(160, over, opacity);
        return $"<span style=\"display:inline-block;margin-right:10px\"><span style=\"display:inline-block;width:12px;height:12px;background:rgb({shade},{shade},{shade});border:1px solid #888;vertical-align:middle;margin-right:3px\"></span>{Html.Encode(text)}</span>";
    }

    private static void CheckSize(RgbImage image, LabelMap labels)
    {
        if (image.Width != labels.Width || image.Height != labels.Height)
            throw new ArgumentException($"the labels are {labels.Width}x{labels.Height} but the image is {image.Width}x{image.Height}", nameof(labels));
    }
}
