using System.Text.Json;
using System.Text.Json.Nodes;

namespace PuzzleCam.Interactive;

/// <summary>
/// A plotly.js figure (<c>data</c> traces and a <c>layout</c>, in plotly.js's JSON schema) that displays itself as a
/// chart. The page must have plotly.js: loading the extension displays it once per notebook (<see cref="PlotlyLibrary"/>),
/// and each chart waits for it, so outputs render offline and in any order.
/// </summary>
public sealed class PlotlyChart(JsonArray data, JsonObject layout)
{
    /// <summary>The traces; edit them to restyle a chart before displaying it.</summary>
    public JsonArray Data { get; } = data;

    public JsonObject Layout { get; } = layout;

    /// <summary>The figure as plotly.js takes it: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToJson() => new JsonObject { ["data"] = Data.DeepClone(), ["layout"] = Layout.DeepClone() }.ToJsonString();

    /// <summary>
    /// Grouped bars: one trace per series over the same categories. <paramref name="yRange"/> fixes the value axis
    /// (IoU in percent reads best on 0..100).
    /// </summary>
    public static PlotlyChart Bars(string title, IReadOnlyList<string> categories, IEnumerable<(string Name, IReadOnlyList<double> Values)> series,
        string yTitle, (double Min, double Max)? yRange = null, int height = 360)
    {
        var data = new JsonArray();
        foreach (var (name, values) in series)
        {
            if (values.Count != categories.Count)
                throw new ArgumentException($"series '{name}' has {values.Count} values for {categories.Count} categories", nameof(series));
            data.Add(new JsonObject
            {
                ["type"] = "bar",
                ["name"] = name,
                ["x"] = new JsonArray(categories.Select(c => (JsonNode?)c).ToArray()),
                ["y"] = Numbers(values),
            });
        }
        var layout = BaseLayout(title, height);
        layout["barmode"] = "group";
        layout["xaxis"] = new JsonObject { ["tickangle"] = -45, ["automargin"] = true };
        layout["yaxis"] = Axis(yTitle, yRange);
        return new PlotlyChart(data, layout);
    }

    /// <summary>Lines over a shared x axis, one trace per series.</summary>
    public static PlotlyChart Lines(string title, string xTitle, IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series,
        string yTitle, int height = 320)
    {
        var data = new JsonArray();
        foreach (var (name, x, y) in series) data.Add(Line(name, x, y));
        var layout = BaseLayout(title, height);
        layout["xaxis"] = Axis(xTitle, null);
        layout["yaxis"] = Axis(yTitle, null);
        return new PlotlyChart(data, layout);
    }

    /// <summary>
    /// Small multiples stacked vertically with one shared x axis: each panel has its own y axis and holds some series
    /// (say, the loss terms in one, the learning rate in another), so scales that differ by orders of magnitude stay readable.
    /// </summary>
    public static PlotlyChart Panels(string title, string xTitle,
        IReadOnlyList<(string Panel, IReadOnlyList<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> Series)> panels, int panelHeight = 170)
    {
        var data = new JsonArray();
        var layout = BaseLayout(title, Math.Max(240, 70 + panelHeight * panels.Count));
        int n = Math.Max(1, panels.Count);
        const double gap = 0.06;
        double height = (1.0 - gap * (n - 1)) / n;
        for (int p = 0; p < panels.Count; p++)
        {
            string suffix = p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, x, y) in panels[p].Series)
            {
                var trace = Line(name, x, y);
                trace["xaxis"] = "x";
                trace["yaxis"] = "y" + suffix;
                trace["legendgroup"] = panels[p].Panel;
                data.Add(trace);
            }
            double top = 1.0 - p * (height + gap);
            var axis = Axis(panels[p].Panel, null);
            axis["domain"] = new JsonArray(Math.Max(0, top - height), top);
            if (p > 0) axis["anchor"] = "x";
            layout["yaxis" + suffix] = axis;
        }
        var xAxis = Axis(xTitle, null);
        xAxis["anchor"] = "y" + (panels.Count > 1 ? panels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        layout["xaxis"] = xAxis;
        return new PlotlyChart(data, layout);
    }

    /// <summary>
    /// A <c>div</c> and a script that draws the figure as soon as plotly.js is on the page. If it never comes (the cell
    /// that loads the extension was not run in this notebook), the div says so instead of staying blank.
    /// </summary>
    public string ToHtml()
    {
        var id = "puzzlecam-plot-" + Guid.NewGuid().ToString("N");
        int height = Layout["height"]?.GetValue<int>() ?? 360;
        return $"<div id=\"{id}\" class=\"puzzlecam-plotly\" style=\"width:100%;min-width:480px;height:{height}px\"></div>"
            + "<script type=\"text/javascript\">(function(){"
            + $"var figure={ToJson()};var id=\"{id}\";var waited=0;"
            + "function draw(){var el=document.getElementById(id);if(!el){return;}"
            + "if(window.Plotly){window.Plotly.newPlot(el,figure.data,figure.layout,{responsive:true,displaylogo:false});}"
            + "else if(waited<100){waited++;setTimeout(draw,100);}"
            + "else{el.textContent='plotly.js is not on this page: run the cell that loads PuzzleCam.Interactive.';}}"
            + "draw();})();</script>";
    }

    public override string ToString() => ToJson();

    private static JsonObject Line(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"series '{name}' has {x.Count} x values and {y.Count} y values");
        return new JsonObject { ["type"] = "scatter", ["mode"] = x.Count == 1 ? "markers" : "lines", ["name"] = name, ["x"] = Numbers(x), ["y"] = Numbers(y) };
    }

    private static JsonObject BaseLayout(string title, int height) => new()
    {
        ["title"] = new JsonObject { ["text"] = title, ["font"] = new JsonObject { ["size"] = 14 } },
        ["height"] = height,
        ["margin"] = new JsonObject { ["l"] = 60, ["r"] = 20, ["t"] = 40, ["b"] = 40 },
        ["legend"] = new JsonObject { ["orientation"] = "v" },
        ["font"] = new JsonObject { ["size"] = 11 },
    };

    private static JsonObject Axis(string title, (double Min, double Max)? range)
    {
        var axis = new JsonObject { ["title"] = new JsonObject { ["text"] = title }, ["automargin"] = true };
        if (range is { } r) axis["range"] = new JsonArray(r.Min, r.Max);
        return axis;
    }

    // JSON has no NaN or infinity; plotly.js leaves a gap at null.
    private static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).Select(v => (JsonNode?)v).ToArray());
}

/// <summary>plotly.js itself, embedded in this assembly from the npm package <c>plotly.js-basic-dist-min</c>.</summary>
public static class PlotlyLibrary
{
    private static readonly Lazy<string> ScriptText = new(() => Resource("PuzzleCam.Interactive.plotly.min.js"));

    /// <summary>The plotly.js version embedded (read from the bundle's banner).</summary>
    public static string Version
    {
        get
        {
            var banner = System.Text.RegularExpressions.Regex.Match(ScriptText.Value[..Math.Min(400, ScriptText.Value.Length)], @"v(\d+\.\d+\.\d+)");
            return banner.Success ? banner.Groups[1].Value : "unknown";
        }
    }

    /// <summary>A script element that defines <c>window.Plotly</c> (about 1.2 MB).</summary>
    public static string ScriptElement() => $"<script type=\"text/javascript\" class=\"puzzlecam-plotly-js\">{ScriptText.Value}</script>";

    /// <summary>plotly.js's MIT licence text, shipped with the bundle.</summary>
    public static string License => Resource("PuzzleCam.Interactive.plotly.LICENSE");

    private static string Resource(string name)
    {
        using var stream = typeof(PlotlyLibrary).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from {typeof(PlotlyLibrary).Assembly.Location}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
