using Microsoft.Data.Analysis;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Interactive;

/// <summary>
/// The pipeline's table (<see cref="ReproduceResult.Rows"/>): the mIoU of each stage that was scored, CAM, + random
/// walk, + CRF, DeepLabv3+, + CRF, as a DataFrame and a bar chart, with the paper's ResNeSt-101 numbers on VOC 2012
/// beside ours when <see cref="WithPaper"/> is set (the VOC preset; on other data they are a different experiment).
/// </summary>
public sealed record PipelineTable(IReadOnlyList<PipelineRow> Rows)
{
    public bool WithPaper { get; init; }

    public string Title { get; init; } = "the pipeline's mIoU";

    /// <summary>The rows of a driver run on its options' splits; the paper's numbers beside them for the VOC preset.</summary>
    public static PipelineTable Of(ReproduceResult result, ReproduceOptions options) =>
        new(result.Rows(options.EvalDomain, options.ValDomain)) { WithPaper = options.Synthetic is null };

    /// <summary>What a row measures, in the paper's words.</summary>
    public static string Describe(PipelineRow row) => ReproduceResult.Describe(row.Stage);

    public DataFrame ToDataFrame()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("stage", Rows.Select(Describe)),
            new StringDataFrameColumn("split", Rows.Select(r => r.Split)),
            new DoubleDataFrameColumn("mIoU %", Rows.Select(r => r.Miou)));
        if (WithPaper)
            frame.Columns.Add(new DoubleDataFrameColumn("paper (ResNeSt-101, VOC) %", Rows.Select(r => ReproduceResult.PaperMiou(r) ?? double.NaN)));
        return frame;
    }

    public PlotlyChart ToChart()
    {
        var categories = Rows.Select(r => $"{Describe(r)} ({r.Split})").ToList();
        var series = new List<(string, IReadOnlyList<double>)> { ("ours", Rows.Select(r => r.Miou).ToList()) };
        if (WithPaper) series.Add(("paper (ResNeSt-101, VOC)", Rows.Select(r => ReproduceResult.PaperMiou(r) ?? double.NaN).ToList()));
        return PlotlyChart.Bars(Title, categories, series, "mIoU %", (0, 100));
    }

    public string ToHtml() =>
        $"<div class=\"puzzlecam-pipeline\">{Html.Heading(Title)}{(Rows.Count == 0 ? Html.Note("no stage was scored") : "")}{EvaluationViews.Table(ToDataFrame())}{ToChart().ToHtml()}</div>";
}
