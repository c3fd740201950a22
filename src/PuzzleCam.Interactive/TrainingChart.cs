using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Training;

namespace PuzzleCam.Interactive;

/// <summary>
/// Training progress as a chart: every named value of the <see cref="TrainingRecord"/>s against the iteration, one
/// panel per kind of value (loss terms together, then alpha, the learning rate, the CAM mIoU, ...). Pass it as the
/// trainer's <see cref="IProgress{T}"/> and the chart that <see cref="Show"/> displayed redraws while the cell runs.
/// </summary>
public sealed class TrainingChart : IProgress<TrainingRecord>
{
    private readonly object _gate = new();
    private readonly List<TrainingRecord> _records = [];
    private readonly TimeSpan _refresh;
    private DisplayedValue? _display;
    private DateTime _lastUpdate = DateTime.MinValue;
    private bool _pending;

    public TrainingChart(string title = "training", TimeSpan? refresh = null, IEnumerable<TrainingRecord>? records = null)
    {
        Title = title;
        _refresh = refresh ?? TimeSpan.FromSeconds(1);
        if (records is not null) _records.AddRange(records);
    }

    public string Title { get; }

    /// <summary>
    /// Displays an empty chart in the running cell and returns it; each <see cref="Report"/> then redraws it, at most
    /// once per refresh interval. Outside a notebook cell nothing is displayed and the chart only collects.
    /// </summary>
    public static TrainingChart Show(string title = "training", TimeSpan? refresh = null)
    {
        var chart = new TrainingChart(title, refresh);
        chart._display = KernelInvocationContext.Current?.Display(chart, HtmlFormatter.MimeType);
        return chart;
    }

    /// <summary>A finished run from its JSON log (<c>experiments/data/{tag}.json</c>, sections train and validation).</summary>
    public static TrainingChart FromLog(string jsonPath, string? title = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(jsonPath));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new IO.InvalidDataFileException(jsonPath, $"not a training log: {e.Message}", e);
        }
        if (root is not JsonObject sections) throw new IO.InvalidDataFileException(jsonPath, "not a training log: expected a JSON object with 'train' and 'validation' lists");
        var records = new List<TrainingRecord>();
        foreach (var (phase, entries) in sections)
        {
            if (entries is not JsonArray list) continue;
            foreach (var entry in list.OfType<JsonObject>())
            {
                var values = entry.Where(p => p.Key != "iteration" && p.Value is JsonValue v && v.TryGetValue<double>(out _))
                    .ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());
                records.Add(new TrainingRecord(entry["iteration"]?.GetValue<long>() ?? 0, phase, values));
            }
        }
        return new TrainingChart(title ?? Path.GetFileNameWithoutExtension(jsonPath), records: records);
    }

    public IReadOnlyList<TrainingRecord> Records
    {
        get { lock (_gate) return _records.ToList(); }
    }

    /// <summary>Adds a record (from any thread) and redraws the displayed chart when the refresh interval has passed.</summary>
    public void Report(TrainingRecord value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool redraw;
        lock (_gate)
        {
            _records.Add(value);
            var now = DateTime.UtcNow;
            redraw = _display is not null && now - _lastUpdate >= _refresh;
            if (redraw) _lastUpdate = now;
            _pending = !redraw;
        }
        if (redraw) _display!.Update(this);
    }

    /// <summary>Draws the records that arrived since the last redraw; call it when training ends.</summary>
    public void Complete()
    {
        bool redraw;
        lock (_gate)
        {
            redraw = _display is not null && _pending;
            _pending = false;
        }
        if (redraw) _display!.Update(this);
    }

    /// <summary>
    /// Which panel a value goes to: all loss terms share one, mIoU and best mIoU share one, every other name has its own;
    /// null for the bookkeeping values trainers log beside them (the iteration again, wall-clock time), which are not plotted.
    /// </summary>
    public static string? PanelOf(string name) =>
        name is "iteration" or "time" ? null
        : name.Contains("loss", StringComparison.OrdinalIgnoreCase) ? "loss"
        : name.Contains("miou", StringComparison.OrdinalIgnoreCase) ? "mIoU %"
        : name;

    public PlotlyChart ToChart()
    {
        var records = Records;
        // A name reported in both phases (say, a loss on training and on validation batches) becomes two series.
        var phasesOfName = records.SelectMany(r => r.Values.Keys.Select(k => (Key: k, r.Phase))).Distinct()
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Count());
        var series = records
            .SelectMany(r => r.Values.Where(v => PanelOf(v.Key) is not null)
                .Select(v => (Series: phasesOfName[v.Key] > 1 ? $"{r.Phase} {v.Key}" : v.Key, Panel: PanelOf(v.Key)!, r.Iteration, v.Value)))
            .GroupBy(p => (p.Series, p.Panel))
            .Select(g => (g.Key.Series, g.Key.Panel, X: (IReadOnlyList<double>)g.Select(p => (double)p.Iteration).ToList(), Y: (IReadOnlyList<double>)g.Select(p => p.Value).ToList()));
        var panels = series.GroupBy(s => s.Panel)
            .Select(g => (Panel: g.Key, Series: (IReadOnlyList<(string, IReadOnlyList<double>, IReadOnlyList<double>)>)g.Select(s => (s.Series, s.X, s.Y)).ToList()))
            .ToList();
        return PlotlyChart.Panels(Title, "iteration", panels);
    }

    public string ToHtml()
    {
        var records = Records;
        if (records.Count == 0) return $"<div class=\"puzzlecam-training\">{Html.Note($"{Title}: waiting for the first iteration")}</div>";
        var latest = records.GroupBy(r => r.Phase).Select(g => g.MaxBy(r => r.Iteration)!)
            .Select(r => (IReadOnlyList<string>)[r.Phase, r.Iteration.ToString("N0", CultureInfo.InvariantCulture),
                string.Join(", ", r.Values.Where(v => v.Key != "iteration").Select(v => $"{v.Key}={v.Value.ToString("G4", CultureInfo.InvariantCulture)}"))]);
        return $"<div class=\"puzzlecam-training\">{ToChart().ToHtml()}{Html.Table(["latest", "iteration", "values"], latest.ToList())}</div>";
    }
}
