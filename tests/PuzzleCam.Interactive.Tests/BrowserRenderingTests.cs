using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using PuzzleCam.Training;
using TorchSharp;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// Every formatter's HTML on a page with plotly.js, rendered by headless Chromium: the DOM must show drawn charts
/// (plotly's SVG) and loaded images, and a screenshot of each page is saved under artifacts/screenshots for a person to look at.
/// </summary>
[Trait("Category", "Slow")]
public class BrowserRenderingTests
{
    private static readonly string Screenshots = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public static TheoryData<string> Views => new(Pages.Keys);

    private static readonly Dictionary<string, Func<object>> Pages = new()
    {
        ["sample"] = () => Fixtures.Sample(1),
        ["cam-result"] = () =>
        {
            var sample = Fixtures.Richest();
            return new CamView(sample.Image, Fixtures.Cams(sample), 0.3) { GroundTruth = sample.Mask, Title = "CAMs (made from the mask by blurring)" };
        },
        ["cam-file-without-image"] = () => Fixtures.Cams(Fixtures.Sample(2), blur: 6),
        ["mask-comparison"] = () =>
        {
            var sample = Fixtures.Sample(1);
            return new MaskComparison(new CamView(sample.Image, Fixtures.Cams(sample, 8), 0.25).Mask(), sample.Mask) { Image = sample.Image, PredictionName = "CAM mask" };
        },
        ["label-map"] = () => Fixtures.Sample(3).Mask!,
        ["transformed-sample"] = () =>
        {
            var sample = Fixtures.Sample(1);
            var pipeline = TransformPipeline.ForSegmentationTraining(AugmentationOptions.Segmentation with { MinImageSize = 64, MaxImageSize = 128, CropSize = 112 });
            return pipeline.Apply(sample.Image, sample.Mask, new RandomSource(7));
        },
        ["synthetic-summary"] = () => Fixtures.Summary,
        ["training"] = () =>
        {
            var records = Enumerable.Range(1, 40).Select(i => new TrainingRecord(i * 25, "train", new Dictionary<string, double>
            {
                ["class_loss"] = 0.7 * Math.Exp(-i / 12.0) + 0.05, ["p_class_loss"] = 0.8 * Math.Exp(-i / 10.0) + 0.07,
                ["re_loss"] = 0.02 + 0.01 * Math.Sin(i / 3.0), ["alpha"] = Math.Min(4, i * 0.1), ["lr"] = 0.1 * Math.Pow(1 - i / 41.0, 0.9),
            })).Concat(Enumerable.Range(1, 4).Select(i => new TrainingRecord(i * 250, "validation", new Dictionary<string, double> { ["train_mIoU"] = 30 + 8 * i })));
            return new TrainingChart("Puzzle-CAM on synthetic (illustrative values)", records: records);
        },
        ["evaluation"] = () => Fixtures.Report(blur: 3),
        ["run-comparison"] = () => RunComparison.Of(("blur 2", Fixtures.Report(2)), ("blur 8", Fixtures.Report(8))),
        ["tensor"] = () =>
        {
            torch.manual_seed(1);
            var y = torch.linspace(-1, 1, 48).unsqueeze(1);
            var x = torch.linspace(-1, 1, 64).unsqueeze(0);
            return torch.exp(-(x * x + y * y) * 3);
        },
        ["affinity-labels"] = () =>
        {
            var sample = Fixtures.Richest();
            var cams = Fixtures.Cams(sample, blur: 6);
            var labels = Affinity.AffinityLabels.Compute(cams, sample.Image, Affinity.AffinityLabelOptions.Readme);
            return new AffinityLabelView(sample.Image, labels) { Cams = cams, Thresholds = Affinity.AffinityLabelOptions.Readme, GroundTruth = sample.Mask, Title = "stage 3 on CAMs made from the mask" };
        },
        ["edge-map"] = () =>
        {
            var sample = Fixtures.Richest();
            return new EdgeMapView(sample.Image, Fixtures.Edges(sample)) { Title = "edges made from the mask" };
        },
        ["pixel-affinity"] = () =>
        {
            var sample = Fixtures.Richest();
            var edges = Fixtures.Edges(sample);
            var (row, column) = ObjectCell(sample.Mask!);
            return new PixelAffinityView(sample.Image, edges, row, column) { Title = $"the affinities of cell ({row}, {column})" };
        },
        ["random-walk-spread"] = () =>
        {
            var sample = Fixtures.WithClasses(2);
            var cams = Fixtures.CoreCams(sample);
            var cam = Fixtures.StrideCams(cams);
            var edges = Fixtures.Edges(sample);
            var steps = RandomWalk.RandomWalkPropagation.PropagateInPowers(cam.Values, cam.Classes, cam.Height, cam.Width, edges.Values, new RandomWalk.RandomWalkOptions());
            return new RandomWalkSpread(sample.Image, cams.Keys, steps) { GroundTruth = sample.Mask, Title = "the walk of a CAM that found only the object's core" };
        },
        ["prediction-comparison"] = () =>
        {
            var sample = Fixtures.Richest();
            var cams = Fixtures.Cams(sample, blur: 6);
            return PredictionComparison.Of(sample.Image, sample.Mask!,
                ("CAM at 0.20", new CamView(sample.Image, cams, 0.2).Mask()), ("CAM at 0.50", new CamView(sample.Image, cams, 0.5).Mask()),
                ("pseudo label", Affinity.AffinityLabels.Compute(cams, sample.Image, new Affinity.AffinityLabelOptions { FgThreshold = 0.3, BgThreshold = 0.3 })));
        },
        ["pipeline-table"] = () => new PipelineTable([new("baseline_cam", "train", 48.3), new("cam", "train", 56.2), new("rw", "train", 66.0),
            new("pseudo_labels", "train", 67.4), new("cam", "val", 55.1), new("deeplab", "val", 61.0), new("deeplab_crf", "val", 62.3)]) { WithPaper = true, Title = "the pipeline's mIoU (illustrative values)" },
        ["tensor-planes"] = () => torch.stack([torch.eye(24), torch.ones(24, 24).triu(), torch.rand(24, 24)]).AsImage(ColorMap.Jet, (0, 1), ["eye", "triu", "rand"]),
    };

    /// <summary>A stride-4 cell inside an object of the mask, near its middle.</summary>
    private static (int Row, int Column) ObjectCell(IO.LabelMap mask)
    {
        var inside = Enumerable.Range(0, mask.Labels.Length).Where(i => mask.Labels[i] is > 0 and < 255).ToList();
        int i = inside[inside.Count / 2];
        return (i / mask.Width / 4, i % mask.Width / 4);
    }

    /// <summary>
    /// A click on another cell of the pick-a-pixel page: the script redraws from the data C# embedded, so the table it
    /// fills must read as C#'s own table for that cell.
    /// </summary>
    [Fact]
    public void PickingAPixelInChromiumFillsTheTableCSharpShowsForIt()
    {
        var view = (PixelAffinityView)Pages["pixel-affinity"]();
        var picked = view with { Row = 1, Column = 2 };
        // The middle of the picked cell, in image pixels, scaled to where the image lies on the page.
        double x = (picked.Column + 0.5) * Strided.Stride / view.Image.Width, y = (picked.Row + 0.5) * Strided.Stride / view.Image.Height;
        var click = "<script>window.addEventListener('load',function(){var img=document.querySelector('.puzzlecam-pixel-affinity [id$=\"-image\"]'),b=img.getBoundingClientRect();"
            + FormattableString.Invariant($"img.dispatchEvent(new MouseEvent('click',{{bubbles:true,clientX:b.left+{x}*b.width,clientY:b.top+{y}*b.height}}));}});</script>");
        Directory.CreateDirectory(Screenshots);
        var page = Path.Combine(Screenshots, "pixel-affinity-picked.html");
        File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:8px\">{view.ToHtml()}{click}</body></html>");

        var dom = Chromium.DumpDom(page);
        Assert.Contains("pixel (1, 2) of the edge map", dom);
        Assert.NotEqual(PixelAffinityViewTests.TableValues(view.ToHtml()), PixelAffinityViewTests.TableValues(dom));
        Assert.Equal(PixelAffinityViewTests.TableValues(picked.ToHtml()), PixelAffinityViewTests.TableValues(dom));
        Chromium.Screenshot(page, Path.ChangeExtension(page, ".png"));
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void FormatterRendersInChromium(string view)
    {
        PuzzleCamFormatters.Register();
        var html = Pages[view]().ToDisplayString(HtmlFormatter.MimeType);
        Directory.CreateDirectory(Screenshots);
        var page = Path.Combine(Screenshots, view + ".html");
        File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{view}</title></head><body style=\"font-family:sans-serif;margin:8px\">{PlotlyLibrary.ScriptElement()}{html}</body></html>");

        var dom = Chromium.DumpDom(page);
        int charts = KernelExtensionTests.Count(html, "class=\"puzzlecam-plotly\"");
        // plotly.js draws each chart into an SVG of class main-svg; a chart still waiting for plotly.js would have none.
        Assert.True(KernelExtensionTests.Count(dom, "class=\"main-svg\"") >= charts, $"{view}: {charts} charts but plotly drew fewer");
        Assert.DoesNotContain("\">plotly.js is not on this page", dom);

        var png = Path.Combine(Screenshots, view + ".png");
        Chromium.Screenshot(page, png);
        Assert.True(new FileInfo(png).Length > 5_000, $"{png} is (nearly) empty");
    }
}
