using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Affinity;
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
    public static ClassifierTrainingResult Classifier(ClassifierTrainingOptions run, string? title = null) =>
        Charted(title ?? $"{(run.Puzzle ? "Puzzle-CAM" : "baseline")} ({run.Tag})", run.Layout, run.Tag, chart => ClassifierTrainer.Run(run, progress: chart));

    public static AffinityNetTrainingResult AffinityNet(AffinityNetTrainingOptions run, string? title = null) =>
        Charted(title ?? $"AffinityNet ({run.Tag})", run.Layout, run.Tag, chart => AffinityNetTrainer.Run(run, progress: chart));

    public static SegmentationTrainingResult DeepLab(SegmentationTrainingOptions run, string? title = null) =>
        Charted(title ?? $"DeepLabv3+ ({run.Tag})", run.Layout, run.Tag, chart => SegmentationTrainer.Run(run, progress: chart));

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
    private readonly List<string> _stages = [];

    /// <summary>The stage headings so far, in order.</summary>
    public IReadOnlyList<string> Stages => _stages;

    public void Stage(string name)
    {
        _stages.Add(name);
        Show($"<div style=\"font-weight:bold;margin:8px 4px 2px\">== {Html.Encode(name)}</div>");
    }

    public void Info(string message) => Show($"<pre style=\"font-size:12px;margin:2px 4px\">{Html.Encode(message)}</pre>");

    public IProgress<StageProgress> Progress(string label)
    {
        var line = KernelInvocationContext.Current?.Display(Line(label, 0, 0), HtmlFormatter.MimeType);
        var last = DateTime.MinValue;
        return new Progress<StageProgress>(p =>
        {
            if (line is null || (p.Done < p.Total && DateTime.UtcNow - last < TimeSpan.FromSeconds(1))) return;
            last = DateTime.UtcNow;
            line.Update(Line(label, p.Done, p.Total));
        });
    }

    private static object Line(string label, int done, int total) =>
        new Microsoft.AspNetCore.Html.HtmlString($"<div style=\"font-size:12px;margin:2px 4px;color:#555\">{Html.Encode(label)}: {done} of {total}</div>");

    private static void Show(string html)
    {
        if (KernelInvocationContext.Current is { } context) context.DisplayAs(html, HtmlFormatter.MimeType);
        else Console.WriteLine(System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "")));
    }
}
