using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Data;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Interactive;

/// <summary>
/// Registers the HTML formatters for Core's types. The package runs <c>extension.dib</c>, which calls
/// <see cref="Load"/>; after a plain <c>#r</c> of the assembly, call it yourself.
/// </summary>
public static class PuzzleCamFormatters
{
    public static void Load()
    {
        Formatter.Register<VocSample>((sample, writer) => writer.Write(Sample(sample)), HtmlFormatter.MimeType);
        Formatter.Register<LabelMap>((map, writer) => writer.Write(Html.LabelMap(map, $"{map.Width}x{map.Height}") + Html.Legend(map.Labels.Select(v => (int)v))), HtmlFormatter.MimeType);
        Formatter.Register<RgbImage>((image, writer) => writer.Write(Html.Image(image, $"{image.Width}x{image.Height}")), HtmlFormatter.MimeType);
    }

    /// <summary>A dataset sample: the image, its tags and its ground truth with a legend.</summary>
    public static string Sample(VocSample sample)
    {
        var tags = VocClasses.Names.Where((_, i) => sample.Tags[i] > 0).ToList();
        var parts = Html.Image(sample.Image, sample.Id);
        if (sample.Mask is not null) parts += Html.LabelMap(sample.Mask, "ground truth");
        var legend = sample.Mask is null ? "" : Html.Legend(sample.Mask.Labels.Select(v => (int)v));
        return $"<div class=\"puzzlecam-sample\"><div>{parts}</div><div><b>tags:</b> {Html.Encode(string.Join(", ", tags))}</div>{legend}</div>";
    }
}
