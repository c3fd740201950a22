namespace PuzzleCam.Interactive;

/// <summary>
/// AffinityNet's edge map of an image: the map on its own (a cell per 4x4 pixels) and laid over the image. Where it is
/// bright, every pair of pixels whose path crosses it gets a low affinity, and the random walk does not pass.
/// </summary>
public sealed record EdgeMapView(RgbImage Image, EdgeMap Edges)
{
    public string? Title { get; init; }

    public ColorMap ColorMap { get; init; } = ColorMap.Jet;

    public string ToHtml()
    {
        var upsampled = Strided.Nearest(Edges, Image.Width, Image.Height);
        var figures = new List<string>
        {
            Html.Image(Image, "image"),
            Html.Image(ColorMap.Apply(Edges.Values, Edges.Width, Edges.Height), $"edge map, {Edges.Width}x{Edges.Height} cells"),
            Html.Image(ColorMap.Overlay(Image, upsampled), "edges over the image"),
        };
        double mean = Edges.Values.Average(v => (double)v);
        double strong = Edges.Values.Count(v => v > 0.5) / (double)Math.Max(1, Edges.Values.Length);
        var note = string.Create(CultureInfo.InvariantCulture, $"edge probability: mean {mean:F3}, {100 * strong:F1} % of the cells above 0.5; a cell is {Strided.Stride}x{Strided.Stride} image pixels");
        var scale = $"<div style=\"font-size:12px;margin:2px 4px\">0 {Html.Img(ColorMap.Bar(), 128, inline: true)} 1 ({ColorMap.Name})</div>";
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-edges\">{title}{Html.Row(figures)}{scale}{Html.Note(note)}</div>";
    }
}
