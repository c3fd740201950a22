namespace PuzzleCam.Interactive;

/// <summary>
/// A predicted label map (a CAM mask, a pseudo label, a segmentation) next to the ground truth: both in the VOC
/// palette with one legend, the pixels where they disagree, and the IoU of every label in either map.
/// </summary>
public sealed record MaskComparison(LabelMap Prediction, LabelMap? GroundTruth = null)
{
    public RgbImage? Image { get; init; }

    public string PredictionName { get; init; } = "prediction";

    public string ToHtml()
    {
        if (GroundTruth is { } truth && (truth.Width != Prediction.Width || truth.Height != Prediction.Height))
            throw new ArgumentException($"the ground truth is {truth.Width}x{truth.Height} but the prediction is {Prediction.Width}x{Prediction.Height}");
        var figures = new List<string>();
        if (Image is not null) figures.Add(Html.Image(Image, "image"));
        figures.Add(Html.LabelMap(Prediction, PredictionName));
        var labels = Html.PresentLabels(Prediction).ToList();
        var details = "";
        if (GroundTruth is not null)
        {
            figures.Add(Html.LabelMap(GroundTruth, "ground truth"));
            var (errors, accuracy) = Disagreement(Prediction, GroundTruth);
            figures.Add(Html.Image(errors, $"disagreement (pixel accuracy {accuracy.ToString("P1", CultureInfo.InvariantCulture)})"));
            labels.AddRange(Html.PresentLabels(GroundTruth));
            var rows = labels.Distinct().Where(l => l != VocClasses.Ignore).Order()
                .Select(l => (IReadOnlyList<string>)[Html.LabelName(l), Html.Number(Iou(Prediction, GroundTruth, l), "F1")]);
            details = Html.Table(["label", "IoU %"], rows.ToList());
        }
        return $"<div class=\"puzzlecam-masks\">{Html.Row(figures)}{Html.Legend(labels)}{details}</div>";
    }

    /// <summary>White where the labels differ, black where they agree, grey where the ground truth says ignore.</summary>
    public static (RgbImage Errors, double Accuracy) Disagreement(LabelMap prediction, LabelMap truth)
    {
        var image = new RgbImage(truth.Width, truth.Height);
        long valid = 0, correct = 0;
        for (int i = 0; i < truth.Labels.Length; i++)
        {
            byte shade;
            if (truth.Labels[i] == VocClasses.Ignore) shade = 128;
            else
            {
                valid++;
                bool same = prediction.Labels[i] == truth.Labels[i];
                if (same) correct++;
                shade = same ? (byte)0 : (byte)255;
            }
            image.Pixels[i * 3] = image.Pixels[i * 3 + 1] = image.Pixels[i * 3 + 2] = shade;
        }
        return (image, valid == 0 ? double.NaN : (double)correct / valid);
    }

    /// <summary>IoU in percent of one label over the pixels the ground truth does not ignore; NaN when neither map has it.</summary>
    public static double Iou(LabelMap prediction, LabelMap truth, int label)
    {
        long both = 0, either = 0;
        for (int i = 0; i < truth.Labels.Length; i++)
        {
            if (truth.Labels[i] == VocClasses.Ignore) continue;
            bool p = prediction.Labels[i] == label, t = truth.Labels[i] == label;
            if (p && t) both++;
            if (p || t) either++;
        }
        return either == 0 ? double.NaN : 100.0 * both / either;
    }
}
