using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Transforms;
using TorchSharp;

namespace PuzzleCam.Interactive;

/// <summary>
/// The extension's entry point. The package's <c>extension.dib</c> calls <see cref="Load"/> when a notebook adds the
/// package; after a plain <c>#r</c> of the assembly, call it yourself.
/// </summary>
public static class PuzzleCamFormatters
{
    /// <summary>
    /// Readies TorchSharp (preloading this build's libtorch, see <see cref="TorchNatives"/>), registers the HTML
    /// formatters, finds the pretrained ResNet-18 (<see cref="PretrainedModels"/>) and, inside a notebook cell, displays
    /// plotly.js once for the charts and a line saying what loaded.
    /// </summary>
    public static string Load()
    {
        string torch;
        try
        {
            torch = TorchNatives.Prepare();
        }
        catch (Runtime.TorchUnavailableException e)
        {
            // Formatters and data views work without libtorch; the notebook shows why torch calls will fail.
            torch = e.Message;
        }
        Register();
        var resnet18 = PretrainedModels.Prepare();
        var status = $"PuzzleCam.Interactive {typeof(PuzzleCamFormatters).Assembly.GetName().Version}: formatters registered; {torch}; "
            + (resnet18.Length > 0 ? $"ImageNet ResNet-18 from {resnet18}; " : "")
            + $"plotly.js {PlotlyLibrary.Version} embedded for offline charts";
        KernelInvocationContext.Current?.DisplayAs($"{PlotlyLibrary.ScriptElement()}<div class=\"puzzlecam-loaded\" style=\"font-size:12px\">{Html.Encode(status)}</div>", HtmlFormatter.MimeType);
        return status;
    }

    /// <summary>Registers the HTML formatters only (no TorchSharp, no display): what tests and custom hosts need.</summary>
    public static void Register()
    {
        Use<VocSample>(DataViews.Sample);
        Use<LabelMap>(map => $"<div class=\"puzzlecam-labels\">{Html.LabelMap(map, $"{map.Width}x{map.Height}")}{Html.Legend(map)}</div>");
        Use<RgbImage>(image => Html.Image(image, $"{image.Width}x{image.Height}"));
        Use<TransformedSample>(sample => DataViews.Transformed(sample));
        Use<ChwImage>(image => image.Channels == 3 ? Html.Image(DataViews.ToRgb(image), $"{image.Width}x{image.Height} (de-normalised)") : Html.Note($"CHW image {image.Channels}x{image.Height}x{image.Width}"));
        Use<SyntheticSummary>(DataViews.Summary);
        Use<CamView>(view => view.ToHtml());
        Use<CamFile>(file => new CamView(null, file).ToHtml());
        Use<MaskComparison>(pair => pair.ToHtml());
        Use<TrainingChart>(chart => chart.ToHtml());
        Use<EvaluationReport>(EvaluationViews.ToHtml);
        Use<RunComparison>(comparison => comparison.ToHtml());
        Use<AffinityLabelView>(view => view.ToHtml());
        Use<EdgeMap>(map => $"<div class=\"puzzlecam-edges\">{Html.Image(ColorMap.Jet.Apply(map.Values, map.Width, map.Height), $"edge map, {map.Width}x{map.Height} cells")}</div>");
        Use<EdgeMapView>(view => view.ToHtml());
        Use<PixelAffinityView>(view => view.ToHtml());
        Use<RandomWalkSpread>(view => view.ToHtml());
        Use<PredictionComparison>(view => view.ToHtml());
        Use<PipelineTable>(table => table.ToHtml());
        Use<ProgressLine>(line => line.ToHtml());
        Use<PlotlyChart>(chart => chart.ToHtml());
        Use<TensorImage>(image => image.ToHtml());
        Use<torch.Tensor>(tensor => new TensorImage(tensor).ToHtml());
    }

    private static void Use<T>(Func<T, string> html) =>
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), HtmlFormatter.MimeType);
}
