namespace PuzzleCam.Interactive;

/// <summary>
/// A CAM result as a picture: each present class's map as a heat map over the image (small multiples, named), and the
/// label map the maps give at <see cref="Threshold"/> (a constant background plane, argmax, keys), beside the ground
/// truth when there is one. Without an image the heat maps are drawn on their own.
/// </summary>
/// <param name="Image">The image the CAMs were computed for, or null.</param>
/// <param name="Cams">The CAM file: keys and maps (image-size <c>hr_cam</c> or <c>rw</c> when present, else <c>cam</c>).</param>
/// <param name="Threshold">The background score of the mask; a sweep's best threshold (<see cref="EvaluationReport.Threshold"/>) fits.</param>
public sealed record CamView(RgbImage? Image, CamFile Cams, double Threshold = CamView.DefaultThreshold)
{
    /// <summary>A background threshold in the range where CAM sweeps usually peak; pass the sweep's best for real runs.</summary>
    public const double DefaultThreshold = 0.20;

    public LabelMap? GroundTruth { get; init; }

    public string? Title { get; init; }

    public ColorMap ColorMap { get; init; } = ColorMap.Jet;

    /// <summary>The maps at the size they are drawn: the image's when there is one.</summary>
    public ClassMaps DisplayMaps()
    {
        var maps = Cams.ImageSizeMaps ?? Cams.Cam ?? throw new ArgumentException("the CAM file holds no maps (none of cam, hr_cam, rw)", nameof(Cams));
        return Image is null || (maps.Width == Image.Width && maps.Height == Image.Height) ? maps : Resample.Bilinear(maps, Image.Width, Image.Height);
    }

    /// <summary>The thresholded mask: labels from <see cref="CamFile.Keys"/>, background where no map beats the threshold.</summary>
    public LabelMap Mask() => DisplayMaps().ToLabelMap(Cams.Keys, Threshold);

    public string ToHtml()
    {
        var maps = DisplayMaps();
        int plane = maps.Width * maps.Height;
        var figures = new List<string>();
        if (Image is not null) figures.Add(Html.Image(Image, "image"));
        for (int k = 0; k < maps.Classes; k++)
        {
            var values = maps.Values.AsSpan(k * plane, plane);
            float max = 0;
            foreach (var v in values) max = Math.Max(max, v);
            var picture = Image is null ? ColorMap.Apply(values, maps.Width, maps.Height) : ColorMap.Overlay(Image, values);
            figures.Add(Html.Image(picture, $"{Html.LabelName((int)Cams.Keys[k + 1])} (max {max.ToString("F2", CultureInfo.InvariantCulture)})"));
        }
        var mask = Mask();
        figures.Add(Html.LabelMap(mask, $"mask at threshold {Threshold.ToString("F2", CultureInfo.InvariantCulture)}"));
        if (GroundTruth is not null) figures.Add(Html.LabelMap(GroundTruth, "ground truth"));
        var labels = Html.PresentLabels(mask).Concat(GroundTruth is null ? [] : Html.PresentLabels(GroundTruth));
        var scale = $"<div style=\"font-size:12px;margin:2px 4px\">0 {Html.Img(ColorMap.Bar(), 128, inline: true)} 1 ({ColorMap.Name})</div>";
        var title = Title is null ? "" : Html.Heading(Title);
        var note = maps.Classes == 0 ? Html.Note("no class is present in this CAM file (keys hold only the background)") : "";
        return $"<div class=\"puzzlecam-cams\">{title}{Html.Row(figures)}{scale}{Html.Legend(labels)}{note}</div>";
    }
}

/// <summary>Resampling of score maps for display.</summary>
public static class Resample
{
    /// <summary>
    /// Bilinear resampling of every plane with half-pixel centres (PyTorch's align_corners=False) to
    /// <paramref name="width"/> x <paramref name="height"/>; <paramref name="sourceStep"/>, source pixels per output
    /// pixel, is the size ratio unless given (an upsampling by a fixed factor cropped to an image).
    /// </summary>
    public static ClassMaps Bilinear(ClassMaps maps, int width, int height, double? sourceStep = null)
    {
        var result = new float[maps.Classes * width * height];
        double sx = sourceStep ?? (double)maps.Width / width, sy = sourceStep ?? (double)maps.Height / height;
        for (int k = 0; k < maps.Classes; k++)
        {
            var source = maps.Values.AsSpan(k * maps.Width * maps.Height, maps.Width * maps.Height);
            for (int y = 0; y < height; y++)
            {
                double fy = Math.Max(0, (y + 0.5) * sy - 0.5);
                int y0 = Math.Min((int)fy, maps.Height - 1), y1 = Math.Min(y0 + 1, maps.Height - 1);
                double wy = fy - y0;
                for (int x = 0; x < width; x++)
                {
                    double fx = Math.Max(0, (x + 0.5) * sx - 0.5);
                    int x0 = Math.Min((int)fx, maps.Width - 1), x1 = Math.Min(x0 + 1, maps.Width - 1);
                    double wx = fx - x0;
                    double top = source[y0 * maps.Width + x0] * (1 - wx) + source[y0 * maps.Width + x1] * wx;
                    double bottom = source[y1 * maps.Width + x0] * (1 - wx) + source[y1 * maps.Width + x1] * wx;
                    result[(k * height + y) * width + x] = (float)(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return new ClassMaps(maps.Classes, height, width, result);
    }
}
