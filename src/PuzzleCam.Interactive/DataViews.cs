using Microsoft.Data.Analysis;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Interactive;

/// <summary>Pictures and tables of the data stage: samples, transformed samples, a synthetic dataset's statistics.</summary>
public static class DataViews
{
    /// <summary>A dataset sample: the image, its ground truth over it and on its own, the tags as coloured chips.</summary>
    public static string Sample(VocSample sample)
    {
        var tags = Enumerable.Range(0, VocClasses.Count).Where(i => sample.Tags[i] > 0).ToList();
        var figures = new List<string> { Html.Image(sample.Image, sample.Id) };
        if (sample.Mask is not null)
        {
            figures.Add(Html.Image(Html.OverlayLabels(sample.Image, sample.Mask), "ground truth over the image"));
            figures.Add(Html.LabelMap(sample.Mask, "ground truth"));
        }
        var chips = tags.Count == 0 ? "none" : string.Concat(tags.Select(i => Html.Swatch(i + 1)));
        var legend = sample.Mask is null ? Html.Note("no ground-truth mask for this image (only its tags)") : Html.Legend(sample.Mask);
        return $"<div class=\"puzzlecam-sample\">{Html.Row(figures)}<div style=\"font-size:12px;margin:2px 4px\"><b>tags:</b> {chips}</div>{legend}</div>";
    }

    /// <summary>
    /// A normalised CHW image back in 8-bit RGB: the inverse of <see cref="Normalize"/> with its mean and std. Crop
    /// padding (zeros after normalisation) comes back as the mean colour.
    /// </summary>
    public static RgbImage ToRgb(ChwImage image, IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null)
    {
        if (image.Channels != 3) throw new ArgumentException($"expected 3 channels, got {image.Channels}", nameof(image));
        mean ??= Normalize.ImageNetMean;
        std ??= Normalize.ImageNetStd;
        var rgb = new RgbImage(image.Width, image.Height);
        int plane = image.Width * image.Height;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++)
                rgb.Pixels[i * 3 + c] = (byte)Math.Round(Math.Clamp((image.Data[c * plane + i] * std[c] + mean[c]) * 255, 0, 255));
        return rgb;
    }

    /// <summary>A transformed sample as the model gets it (de-normalised for display) with its mask, if any.</summary>
    public static string Transformed(TransformedSample sample, string caption = "transformed")
    {
        var figures = new List<string> { Html.Image(ToRgb(sample.Image), $"{caption} {sample.Image.Width}x{sample.Image.Height}") };
        if (sample.Mask is not null) figures.Add(Html.LabelMap(sample.Mask, "mask (beige: ignore)"));
        return $"<div class=\"puzzlecam-transformed\">{Html.Row(figures)}{(sample.Mask is null ? "" : Html.Legend(sample.Mask))}</div>";
    }

    /// <summary>Per class: training images, validation images and share of mask pixels.</summary>
    public static DataFrame ToDataFrame(this SyntheticSummary summary) => new(
        new StringDataFrameColumn("class", VocClasses.Names),
        new Int32DataFrameColumn("train_aug images", summary.TrainAugImagesPerClass),
        new Int32DataFrameColumn("val images", summary.ValImagesPerClass),
        new DoubleDataFrameColumn("pixels %", Enumerable.Range(1, VocClasses.Count).Select(k => 100 * summary.LabelFractions[k])));

    public static string Summary(SyntheticSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        var o = summary.Options;
        var headline = string.Create(c, $"synthetic VOC in {summary.Root}: train_aug {summary.TrainAugImages} (train {summary.TrainImages}), val {summary.ValImages}, {o.Size}x{o.Size} px, seed {o.Seed}");
        var pixels = string.Create(c, $"{summary.ObjectsPerImage:F2} objects per image; pixels: background {100 * summary.LabelFractions[0]:F1} %, objects {100 * (1 - summary.LabelFractions[0] - summary.VoidFraction):F1} %, void {100 * summary.VoidFraction:F1} %; written in {summary.Elapsed.TotalSeconds:F1} s");
        var chart = PlotlyChart.Bars("images per class", VocClasses.Names,
            [("train_aug", summary.TrainAugImagesPerClass.Select(v => (double)v).ToList()), ("val", summary.ValImagesPerClass.Select(v => (double)v).ToList())], "images");
        return $"<div class=\"puzzlecam-synthetic\">{Html.Heading(headline)}{Html.Note(pixels)}{chart.ToHtml()}{EvaluationViews.Table(summary.ToDataFrame())}</div>";
    }
}
