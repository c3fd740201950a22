using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Classification;
using PuzzleCam.Experiments;
using PuzzleCam.Pipeline;
using PuzzleCam.Segmentation;
using PuzzleCam.Training;

namespace PuzzleCam.Interactive;

/// <summary>
/// Trains a network in a notebook cell with a live <see cref="TrainingChart"/>. A run that finished before (in this
/// notebook or another) returns at once without reporting anything, so its chart is drawn from the log it left.
/// </summary>
public static class Train
{
    public static TrainingResult Classifier(ClassifierTrainingOptions run, string? title = null) =>
        Charted(title ?? $"{(run.Puzzle ? "Puzzle-CAM" : "baseline")} ({run.Tag})", run.Layout, run.Tag, chart => Trainer.Run(run, progress: chart));

    public static TrainingResult AffinityNet(AffinityNetTrainingOptions run, string? title = null) =>
        Charted(title ?? $"AffinityNet ({run.Tag})", run.Layout, run.Tag, chart => Trainer.Run(run, progress: chart));

    public static TrainingResult DeepLab(SegmentationTrainingOptions run, string? title = null) =>
        Charted(title ?? $"DeepLabv3+ ({run.Tag})", run.Layout, run.Tag, chart => Trainer.Run(run, progress: chart));

    private static T Charted<T>(string title, ExperimentLayout layout, string tag, Func<TrainingChart, T> train)
    {
        var chart = TrainingChart.Show(title);
        var result = train(chart);
        if (chart.Records.Count == 0 && File.Exists(layout.DataLog(tag)))
            foreach (var record in TrainingChart.FromLog(layout.DataLog(tag)).Records) chart.Report(record);
        chart.Complete();
        return result;
    }
}

/// <summary>
/// Where <see cref="Reproduction.Run"/> reports in a notebook: each stage as a heading, messages as text, and each
/// long loop as one line that counts up while the cell runs.
/// </summary>
public sealed class NotebookReporter : IPipelineReporter
{
    public void Stage(string name) =>
        Show($"<div style=\"font-weight:bold;margin:8px 4px 2px\">== {Html.Encode(name)}</div>");

    public void Info(string message) => Show($"<pre style=\"font-size:12px;margin:2px 4px\">{Html.Encode(message)}</pre>");

    public IProgress<StageProgress> Progress(string label) =>
        new CountingLine(label, KernelInvocationContext.Current?.Display(new ProgressLine(label, 0, 0), HtmlFormatter.MimeType));

    /// <summary>
    /// A displayed line redrawn at most once a second, and on the last item. Reports arrive from the stage's worker
    /// threads; they are applied as they come, not posted to a context, so the line is final when the stage returns.
    /// </summary>
    private sealed class CountingLine(string label, DisplayedValue? line) : IProgress<StageProgress>
    {
        private readonly object _gate = new();
        private DateTime _last = DateTime.MinValue;

        public void Report(StageProgress value)
        {
            if (line is null) return;
            lock (_gate)
            {
                if (value.Done < value.Total && DateTime.UtcNow - _last < TimeSpan.FromSeconds(1)) return;
                _last = DateTime.UtcNow;
                line.Update(new ProgressLine(label, value.Done, value.Total));
            }
        }
    }

    private static void Show(string html)
    {
        if (KernelInvocationContext.Current is { } context) context.DisplayAs(html, HtmlFormatter.MimeType);
        else Console.WriteLine(System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "")));
    }
}

/// <summary>How far a long loop of a stage is: <see cref="Done"/> items of <see cref="Total"/> (0 before the loop says its total).</summary>
public sealed record ProgressLine(string Label, int Done, int Total)
{
    public string ToHtml() =>
        $"<div class=\"puzzlecam-progress\" style=\"font-size:12px;margin:2px 4px;color:#555\">{Html.Encode(Label)}: {(Total == 0 ? "starting" : $"{Done} of {Total}")}</div>";
}
