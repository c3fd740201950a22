using System.Net;

namespace PuzzleCam.Interactive;

/// <summary>HTML pieces shared by the formatters. Images are inline PNG data URIs, so notebooks render offline.</summary>
public static class Html
{
    /// <summary>Display width of one picture in a row of small multiples.</summary>
    public const int TileWidth = 192;

    public static string Image(RgbImage image, string caption, int displayWidth = TileWidth) =>
        Figure(Img(image, displayWidth), caption);

    /// <summary>A bare <c>img</c> element; small images are scaled up without smoothing so pixels stay visible.</summary>
    public static string Img(RgbImage image, int displayWidth = TileWidth, bool inline = false) =>
        $"<img src=\"data:image/png;base64,{Convert.ToBase64String(ImageCodec.EncodePng(image))}\" width=\"{displayWidth}\" style=\"image-rendering:pixelated;{(inline ? "display:inline-block;vertical-align:middle" : "display:block")}\" alt=\"{image.Width}x{image.Height}\"/>";

    public static string LabelMap(LabelMap map, string caption, int displayWidth = TileWidth) => Image(Colorize(map), caption, displayWidth);

    /// <summary>A label map in the VOC palette colours.</summary>
    public static RgbImage Colorize(LabelMap map)
    {
        var image = new RgbImage(map.Width, map.Height);
        var palette = VocClasses.Palette;
        for (int i = 0; i < map.Labels.Length; i++)
        {
            int p = map.Labels[i] * 3;
            image.Pixels[i * 3] = palette[p];
            image.Pixels[i * 3 + 1] = palette[p + 1];
            image.Pixels[i * 3 + 2] = palette[p + 2];
        }
        return image;
    }

    /// <summary>The label colours over the image; background and ignore pixels leave the image as it is.</summary>
    public static RgbImage OverlayLabels(RgbImage image, LabelMap map, double opacity = 0.6)
    {
        if (image.Width != map.Width || image.Height != map.Height)
            throw new ArgumentException($"the label map is {map.Width}x{map.Height} but the image is {image.Width}x{image.Height}", nameof(map));
        var result = image.Clone();
        var palette = VocClasses.Palette;
        for (int i = 0; i < map.Labels.Length; i++)
        {
            int label = map.Labels[i];
            if (label == VocClasses.Background || label == VocClasses.Ignore) continue;
            for (int c = 0; c < 3; c++) result.Pixels[i * 3 + c] = ColorMap.Mix(image.Pixels[i * 3 + c], palette[label * 3 + c], opacity);
        }
        return result;
    }

    /// <summary>The name of a label-map value: background, a VOC class, or ignore.</summary>
    public static string LabelName(int label) =>
        label == VocClasses.Ignore ? "ignore" : label < VocClasses.LabelNames.Count ? VocClasses.LabelNames[label] : label.ToString(CultureInfo.InvariantCulture);

    /// <summary>Swatches naming the labels present in a map (VOC colours), in label order.</summary>
    public static string Legend(IEnumerable<int> labels) =>
        $"<div class=\"puzzlecam-legend\" style=\"font-size:12px;margin:2px 4px\">{string.Concat(labels.Distinct().Order().Select(Swatch))}</div>";

    public static string Legend(LabelMap map) => Legend(PresentLabels(map));

    public static IEnumerable<int> PresentLabels(LabelMap map)
    {
        var seen = new bool[256];
        foreach (var v in map.Labels) seen[v] = true;
        return Enumerable.Range(0, 256).Where(i => seen[i]);
    }

    public static string Swatch(int label)
    {
        var (r, g, b) = (VocClasses.Palette[label * 3], VocClasses.Palette[label * 3 + 1], VocClasses.Palette[label * 3 + 2]);
        return $"<span style=\"display:inline-block;margin-right:10px;white-space:nowrap\"><span style=\"display:inline-block;width:12px;height:12px;background:rgb({r},{g},{b});border:1px solid #888;vertical-align:middle;margin-right:3px\"></span>{Encode(LabelName(label))}</span>";
    }

    public static string Figure(string content, string caption) =>
        $"<figure style=\"display:inline-block;margin:4px;vertical-align:top;text-align:center\">{content}<figcaption style=\"font-size:12px;max-width:{TileWidth}px\">{Encode(caption)}</figcaption></figure>";

    /// <summary>A row of figures that wraps on narrow screens.</summary>
    public static string Row(IEnumerable<string> figures) => $"<div style=\"display:flex;flex-wrap:wrap;align-items:flex-start\">{string.Concat(figures)}</div>";

    /// <summary>A plain table; cells are text (encoded here).</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string cssClass = "puzzlecam-table")
    {
        const string cell = "padding:2px 8px;border-bottom:1px solid #ddd";
        var head = string.Concat(header.Select((h, i) => $"<th style=\"{cell};text-align:{(i == 0 ? "left" : "right")}\">{Encode(h)}</th>"));
        var body = string.Concat(rows.Select(r => "<tr>" + string.Concat(r.Select((v, i) => $"<td style=\"{cell};text-align:{(i == 0 ? "left" : "right")}\">{Encode(v)}</td>")) + "</tr>"));
        return $"<table class=\"{cssClass}\" style=\"border-collapse:collapse;font-size:12px;margin:4px\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>";
    }

    public static string Heading(string text) => $"<div style=\"font-weight:bold;margin:4px\">{Encode(text)}</div>";

    public static string Note(string text) => $"<div style=\"font-size:12px;margin:2px 4px;color:#555\">{Encode(text)}</div>";

    public static string Number(double value, string format = "F2") =>
        double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
