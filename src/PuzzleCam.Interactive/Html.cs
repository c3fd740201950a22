using System.Net;
using PuzzleCam.Data;
using PuzzleCam.IO;

namespace PuzzleCam.Interactive;

/// <summary>HTML pieces shared by the formatters: images as inline PNG data URIs, so notebooks render offline.</summary>
internal static class Html
{
    public static string Image(RgbImage image, string caption, int displayWidth = 256) =>
        Figure($"<img src=\"data:image/png;base64,{Convert.ToBase64String(ImageCodec.EncodePng(image))}\" width=\"{displayWidth}\" style=\"image-rendering:pixelated\"/>", caption);

    public static string LabelMap(LabelMap map, string caption, int displayWidth = 256) => Image(Colorize(map), caption, displayWidth);

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

    /// <summary>Swatches naming the labels present in a map (VOC colours).</summary>
    public static string Legend(IEnumerable<int> labels)
    {
        var items = labels.Distinct().Order().Select(l =>
        {
            var (r, g, b) = (VocClasses.Palette[l * 3], VocClasses.Palette[l * 3 + 1], VocClasses.Palette[l * 3 + 2]);
            var name = l == VocClasses.Ignore ? "ignore" : l < VocClasses.LabelNames.Count ? VocClasses.LabelNames[l] : l.ToString();
            return $"<span style=\"display:inline-block;margin-right:8px\"><span style=\"display:inline-block;width:12px;height:12px;background:rgb({r},{g},{b});border:1px solid #888;vertical-align:middle\"></span> {Encode(name)}</span>";
        });
        return $"<div class=\"puzzlecam-legend\" style=\"font-size:12px\">{string.Concat(items)}</div>";
    }

    public static string Figure(string content, string caption) =>
        $"<figure style=\"display:inline-block;margin:4px;text-align:center\">{content}<figcaption style=\"font-size:12px\">{Encode(caption)}</figcaption></figure>";

    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
