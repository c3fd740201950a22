namespace PuzzleCam.Interactive;

/// <summary>One named label map for <see cref="PredictionComparison"/>: a CAM mask, a pseudo label, a segmentation.</summary>
public sealed record NamedLabelMap(string Name, LabelMap Labels);

/// <summary>
/// Several predictions of one image against its ground truth: each label map with the pixels that differ from the
/// ground truth marked (white stripes), and a table of every label's IoU per prediction with the pixel accuracy, so
/// that one can see which stage fixed (or broke) which part of the mask.
/// </summary>
public sealed record PredictionComparison(RgbImage? Image, LabelMap GroundTruth, IReadOnlyList<NamedLabelMap> Predictions)
{
    public static PredictionComparison Of(RgbImage? image, LabelMap groundTruth, params (string Name, LabelMap Labels)[] predictions) =>
        new(image, groundTruth, predictions.Select(p => new NamedLabelMap(p.Name, p.Labels)).ToList());

    public string? Title { get; init; }

    /// <summary>The prediction in the VOC palette, striped white where it differs from the ground truth (ignored pixels are not marked).</summary>
    public static RgbImage MarkDifferences(LabelMap prediction, LabelMap truth)
    {
        CheckSize(prediction, truth);
        var image = Html.Colorize(prediction);
        for (int y = 0; y < truth.Height; y++)
        {
            for (int x = 0; x < truth.Width; x++)
            {
                int i = y * truth.Width + x;
                if (truth.Labels[i] == VocClasses.Ignore || truth.Labels[i] == prediction.Labels[i] || (x + y) % 4 >= 2) continue;
                image.Pixels[i * 3] = image.Pixels[i * 3 + 1] = image.Pixels[i * 3 + 2] = 255;
            }
        }
        return image;
    }

    public string ToHtml()
    {
        if (Image is { } image && (image.Width != GroundTruth.Width || image.Height != GroundTruth.Height))
            throw new ArgumentException($"the image is {image.Width}x{image.Height} but the ground truth is {GroundTruth.Width}x{GroundTruth.Height}");
        var figures = new List<string>();
        if (Image is not null) figures.Add(Html.Image(Image, "image"));
        figures.Add(Html.LabelMap(GroundTruth, "ground truth"));
        var accuracies = new List<double>();
        foreach (var prediction in Predictions)
        {
            var (_, accuracy) = MaskComparison.Disagreement(prediction.Labels, GroundTruth);
            accuracies.Add(accuracy);
            figures.Add(Html.Image(MarkDifferences(prediction.Labels, GroundTruth), $"{prediction.Name} ({accuracy.ToString("P1", CultureInfo.InvariantCulture)} right)"));
        }
        var labels = Html.PresentLabels(GroundTruth).Concat(Predictions.SelectMany(p => Html.PresentLabels(p.Labels))).Distinct().Order().ToList();
        var rows = labels.Where(l => l != VocClasses.Ignore)
            .Select(l => (IReadOnlyList<string>)new[] { Html.LabelName(l) }.Concat(Predictions.Select(p => Html.Number(MaskComparison.Iou(p.Labels, GroundTruth, l), "F1"))).ToList())
            .Append(new[] { "pixel accuracy %" }.Concat(accuracies.Select(a => Html.Number(100 * a, "F1"))).ToList())
            .ToList();
        var header = new[] { "IoU % (this image)" }.Concat(Predictions.Select(p => p.Name)).ToList();
        var title = Title is null ? "" : Html.Heading(Title);
        var key = Html.Note("white stripes: pixels whose label differs from the ground truth (the border the evaluation ignores is not marked)");
        return $"<div class=\"puzzlecam-predictions\">{title}{Html.Row(figures)}{Html.Legend(labels)}{key}{Html.Table(header, rows)}</div>";
    }

    private static void CheckSize(LabelMap prediction, LabelMap truth)
    {
        if (prediction.Width != truth.Width || prediction.Height != truth.Height)
            throw new ArgumentException($"the prediction is {prediction.Width}x{prediction.Height} but the ground truth is {truth.Width}x{truth.Height}", nameof(prediction));
    }
}
