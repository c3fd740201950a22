using Microsoft.Data.Analysis;

namespace PuzzleCam.Interactive;

/// <summary>One named run for <see cref="RunComparison"/>.</summary>
public sealed record NamedReport(string Name, EvaluationReport Report);

/// <summary>Several evaluations of the same split side by side (say, the baseline CAMs against Puzzle-CAM's).</summary>
public sealed record RunComparison(IReadOnlyList<NamedReport> Runs)
{
    public static RunComparison Of(params (string Name, EvaluationReport Report)[] runs) =>
        new(runs.Select(r => new NamedReport(r.Name, r.Report)).ToList());

    /// <summary>Per label, the IoU of every run, and each later run's gain over the first.</summary>
    public DataFrame ToDataFrame()
    {
        if (Runs.Count == 0) throw new ArgumentException("a comparison needs at least one run", nameof(Runs));
        var frame = new DataFrame(new StringDataFrameColumn("class", VocClasses.LabelNames));
        foreach (var run in Runs)
            frame.Columns.Add(new DoubleDataFrameColumn($"{run.Name} IoU", VocClasses.LabelNames.Select(n => run.Report.PerClass[n])));
        foreach (var run in Runs.Skip(1))
            frame.Columns.Add(new DoubleDataFrameColumn($"{run.Name} − {Runs[0].Name}", VocClasses.LabelNames.Select(n => run.Report.PerClass[n] - Runs[0].Report.PerClass[n])));
        return frame;
    }

    /// <summary>The headline numbers of every run: mIoU, foreground mIoU, threshold, over- and under-activation.</summary>
    public DataFrame Summary() => new(
        new StringDataFrameColumn("run", Runs.Select(r => r.Name)),
        new DoubleDataFrameColumn("mIoU", Runs.Select(r => r.Report.Miou)),
        new DoubleDataFrameColumn("fg mIoU", Runs.Select(r => r.Report.MiouForeground)),
        new DoubleDataFrameColumn("threshold", Runs.Select(r => r.Report.Threshold ?? double.NaN)),
        new DoubleDataFrameColumn("FP", Runs.Select(r => r.Report.FpAll)),
        new DoubleDataFrameColumn("FN", Runs.Select(r => r.Report.FnAll)),
        new Int32DataFrameColumn("images", Runs.Select(r => r.Report.Images)));

    public PlotlyChart ToChart() => PlotlyChart.Bars("IoU per class", VocClasses.LabelNames,
        Runs.Select(r => (r.Name, (IReadOnlyList<double>)VocClasses.LabelNames.Select(n => r.Report.PerClass[n]).ToList())), "IoU %", (0, 100));

    public string ToHtml() =>
        $"<div class=\"puzzlecam-comparison\">{Html.Heading($"{Runs.Count} runs")}{EvaluationViews.Table(Summary())}{ToChart().ToHtml()}{EvaluationViews.Table(ToDataFrame())}</div>";
}

/// <summary>Tables and charts of an <see cref="EvaluationReport"/>.</summary>
public static class EvaluationViews
{
    /// <summary>IoU, precision and recall (percent) and pixel counts per label, background first.</summary>
    public static DataFrame ToDataFrame(this EvaluationReport report) => new(
        new StringDataFrameColumn("class", VocClasses.LabelNames),
        new DoubleDataFrameColumn("IoU", VocClasses.LabelNames.Select(n => report.PerClass[n])),
        new DoubleDataFrameColumn("precision", VocClasses.LabelNames.Select(n => report.Precision[n])),
        new DoubleDataFrameColumn("recall", VocClasses.LabelNames.Select(n => report.Recall[n])),
        new Int64DataFrameColumn("predicted px", VocClasses.LabelNames.Select(n => report.Counts[n].Predicted)),
        new Int64DataFrameColumn("truth px", VocClasses.LabelNames.Select(n => report.Counts[n].Truth)));

    /// <summary>Grouped bars of IoU, precision and recall per label.</summary>
    public static PlotlyChart ToChart(this EvaluationReport report)
    {
        IReadOnlyList<double> Of(IReadOnlyDictionary<string, double> values) => VocClasses.LabelNames.Select(n => values[n]).ToList();
        return PlotlyChart.Bars($"per class ({report.Mode}, mIoU {Html.Number(report.Miou)} %)", VocClasses.LabelNames,
            [("IoU", Of(report.PerClass)), ("precision", Of(report.Precision)), ("recall", Of(report.Recall))], "%", (0, 100));
    }

    /// <summary>mIoU and over/under-activation against the background threshold; null without a sweep.</summary>
    public static PlotlyChart? SweepChart(this EvaluationReport report)
    {
        if (report.Sweep is not { Count: > 0 } sweep) return null;
        IReadOnlyList<double> x = sweep.Select(r => r.Threshold).ToList();
        var chart = PlotlyChart.Lines("threshold sweep", "background threshold",
            [("mIoU %", x, sweep.Select(r => r.Miou).ToList())], "mIoU %");
        foreach (var (name, values) in new[] { ("FP (over-activation)", sweep.Select(r => r.FpAll)), ("FN (under-activation)", sweep.Select(r => r.FnAll)) })
        {
            chart.Data.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "scatter", ["mode"] = "lines", ["name"] = name, ["yaxis"] = "y2", ["line"] = new System.Text.Json.Nodes.JsonObject { ["dash"] = "dot" },
                ["x"] = new System.Text.Json.Nodes.JsonArray(x.Select(v => (System.Text.Json.Nodes.JsonNode?)v).ToArray()),
                ["y"] = new System.Text.Json.Nodes.JsonArray(values.Select(v => (System.Text.Json.Nodes.JsonNode?)v).ToArray()),
            });
        }
        chart.Layout["yaxis2"] = new System.Text.Json.Nodes.JsonObject { ["title"] = new System.Text.Json.Nodes.JsonObject { ["text"] = "FP / FN" }, ["overlaying"] = "y", ["side"] = "right", ["automargin"] = true };
        // A legend at the right would sit on the FP / FN axis; below the plot it has the width to itself.
        chart.Layout["legend"] = new System.Text.Json.Nodes.JsonObject { ["orientation"] = "h", ["x"] = 0, ["xanchor"] = "left", ["y"] = -0.22, ["yanchor"] = "top" };
        chart.Layout["margin"] = new System.Text.Json.Nodes.JsonObject { ["l"] = 60, ["r"] = 60, ["t"] = 40, ["b"] = 80 };
        chart.Layout["height"] = 360;
        return chart;
    }

    public static string ToHtml(EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var headline = $"{report.Mode}, {report.Images} images{(report.EveryEighth ? $" (every 8th of {report.ListedImages})" : "")}: "
            + $"mIoU {Html.Number(report.Miou)} %, foreground mIoU {Html.Number(report.MiouForeground)} %, FP {Html.Number(report.FpAll, "F4")}, FN {Html.Number(report.FnAll, "F4")}"
            + (report.Threshold is { } th ? string.Create(c, $", threshold {th:F2}") : "");
        var absent = VocClasses.LabelNames.Where(n => report.Counts[n] is { Predicted: 0, Truth: 0 }).ToList();
        var note = absent.Count == 0 ? "" : Html.Note($"absent from prediction and ground truth (IoU 0, still in the mean): {string.Join(", ", absent)}");
        return $"<div class=\"puzzlecam-evaluation\">{Html.Heading(headline)}{note}{report.ToChart().ToHtml()}{report.SweepChart()?.ToHtml()}{Table(report.ToDataFrame())}</div>";
    }

    /// <summary>
    /// A DataFrame as an HTML table, written here rather than by the DataFrame's own notebook formatter so that the
    /// table looks the same wherever this runs (numbers with two decimals, NaN as a dash).
    /// </summary>
    public static string Table(DataFrame frame)
    {
        var header = frame.Columns.Select(col => col.Name).ToList();
        var rows = new List<IReadOnlyList<string>>();
        for (long r = 0; r < frame.Rows.Count; r++)
            rows.Add(frame.Columns.Select(col => Cell(col[r])).ToList());
        return Html.Table(header, rows, "puzzlecam-table dataframe");
    }

    private static string Cell(object? value) => value switch
    {
        null => "–",
        double d => Html.Number(d),
        float f => Html.Number(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
