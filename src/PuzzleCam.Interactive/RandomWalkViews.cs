using PuzzleCam.RandomWalk;

namespace PuzzleCam.Interactive;

/// <summary>
/// A random walk as it spreads: for each class, the edge-attenuated CAM it starts from and the maps after T, T², T⁴ …
/// (the <see cref="WalkSnapshot"/>s of <see cref="RandomWalkPropagation.PropagateInPowers"/>) as small multiples over
/// the image, then the final map (the <c>rw</c> array, when given), the mask it gives at <see cref="Threshold"/>, and
/// the ground truth. Each snapshot is divided by its own maximum over all classes, as the final map is, so the
/// pictures show where the score sits, not how much of it is left. A chart follows how much of each class's score
/// lies inside its ground-truth object, step by step, when the ground truth is given.
/// </summary>
/// <param name="Image">The image the walk ran on.</param>
/// <param name="Keys">The CAM file's keys: 0, then the label of each class plane.</param>
/// <param name="Steps">The snapshots at stride 4 ([K, ceil(H/4), ceil(W/4)] each).</param>
public sealed record RandomWalkSpread(RgbImage Image, IReadOnlyList<long> Keys, IReadOnlyList<WalkSnapshot> Steps)
{
    public ClassMaps? Final { get; init; }

    public LabelMap? GroundTruth { get; init; }

    /// <summary>The background threshold of the mask (stage 6 cuts the walk at 0.35 in the README).</summary>
    public double Threshold { get; init; } = 0.35;

    public string? Title { get; init; }

    private int Height => (Image.Height - 1) / Strided.Stride + 1;

    private int Width => (Image.Width - 1) / Strided.Stride + 1;

    private int Classes => Keys.Count - 1;

    /// <summary>A snapshot at image size, divided by its maximum over every class and pixel.</summary>
    public ClassMaps AtImageSize(WalkSnapshot step)
    {
        if (step.Maps.Length != Classes * Height * Width)
            throw new ArgumentException($"a snapshot of {step.Maps.Length} values is not {Classes} planes of {Height}x{Width} (the image's stride-{Strided.Stride} grid)", nameof(step));
        var up = Strided.Upsample(new ClassMaps(Classes, Height, Width, step.Maps), Image.Width, Image.Height);
        float max = up.Values.Length == 0 ? 0 : up.Values.Max();
        if (max > 0)
            for (int i = 0; i < up.Values.Length; i++) up.Values[i] /= max;
        return up;
    }

    public static string StepName(long steps) => steps switch
    {
        0 => "CAM·(1 − edge)",
        1 => "T",
        _ => "T" + Superscript(steps),
    };

    /// <summary>Per class, the share (%) of its score inside its ground-truth object after each snapshot; null without a ground truth.</summary>
    public PlotlyChart? ContainmentChart()
    {
        if (GroundTruth is null || Classes == 0) return null;
        var at = Steps.Select(AtImageSize).ToList();
        int plane = Image.Width * Image.Height;
        var series = new List<(string, IReadOnlyList<double>, IReadOnlyList<double>)>();
        for (int k = 0; k < Classes; k++)
        {
            byte label = (byte)Keys[k + 1];
            var shares = at.Select(maps =>
            {
                double inside = 0, total = 0;
                for (int i = 0; i < plane; i++)
                {
                    double v = maps.Values[k * plane + i];
                    total += v;
                    if (GroundTruth.Labels[i] == label) inside += v;
                }
                return total > 0 ? 100 * inside / total : double.NaN;
            }).ToList();
            series.Add((Html.LabelName(label), Steps.Select(s => Math.Max(0.5, s.Steps)).ToList(), shares));
        }
        var chart = PlotlyChart.Lines("how much of each class score lies inside its object", "steps of the walk (the start drawn at ½)", series, "% inside the object");
        chart.Layout["xaxis"]!["type"] = "log";
        return chart;
    }

    public string ToHtml()
    {
        if (GroundTruth is { } truth && (truth.Width != Image.Width || truth.Height != Image.Height))
            throw new ArgumentException($"the ground truth is {truth.Width}x{truth.Height} but the image is {Image.Width}x{Image.Height}");
        int plane = Image.Width * Image.Height;
        var at = Steps.Select(AtImageSize).ToList();
        const int tile = 84;
        var rows = new List<string>();
        for (int k = 0; k < Classes; k++)
        {
            var figures = new List<string>();
            for (int s = 0; s < Steps.Count; s++)
                figures.Add(Html.Image(ColorMap.Jet.Overlay(Image, at[s].Values.AsSpan(k * plane, plane)), StepName(Steps[s].Steps), tile));
            if (Final is { } final && final.Width == Image.Width && final.Height == Image.Height && final.Classes == Classes)
                figures.Add(Html.Image(ColorMap.Jet.Overlay(Image, final.Values.AsSpan(k * plane, plane)), "final rw (upsampled, normalised)", tile));
            rows.Add($"<div style=\"font-size:12px;margin:6px 4px 0;font-weight:bold\">{Html.Encode(Html.LabelName((int)Keys[k + 1]))}</div>{Html.Row(figures)}");
        }
        var closing = new List<string> { Html.Image(Image, "image", tile) };
        var maps = Final is { } f && f.Width == Image.Width && f.Height == Image.Height && f.Classes == Classes ? f : at[^1];
        var mask = maps.ToLabelMap(Keys.ToArray(), Threshold);
        closing.Add(Html.LabelMap(mask, string.Create(CultureInfo.InvariantCulture, $"mask at threshold {Threshold:F2}"), tile));
        if (GroundTruth is not null) closing.Add(Html.LabelMap(GroundTruth, "ground truth", tile));
        var title = Title is null ? "" : Html.Heading(Title);
        var scale = $"<div style=\"font-size:12px;margin:2px 4px\">0 {Html.Img(ColorMap.Jet.Bar(), 128, inline: true)} 1 (jet, each picture divided by its maximum over all classes)</div>";
        var labels = Html.PresentLabels(mask).Concat(GroundTruth is null ? [] : Html.PresentLabels(GroundTruth));
        return $"<div class=\"puzzlecam-random-walk\">{title}{string.Concat(rows)}{scale}{Html.Row(closing)}{Html.Legend(labels)}{ContainmentChart()?.ToHtml()}</div>";
    }

    private static string Superscript(long value) =>
        string.Concat(value.ToString(CultureInfo.InvariantCulture).Select(d => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d - '0']));
}
