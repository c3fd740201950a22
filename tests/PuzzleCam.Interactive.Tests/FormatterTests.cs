using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Cams;
using PuzzleCam.IO;
using PuzzleCam.Training;

namespace PuzzleCam.Interactive.Tests;

/// <summary>The views' pieces without a kernel: colour maps, resampling, mask scores, charts, the training log reader.</summary>
public class FormatterTests
{
    [Fact]
    public void ColorMapsRunFromTheirFirstToTheirLastColour()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)128), ColorMap.Jet[0]);
        Assert.Equal(((byte)128, (byte)0, (byte)0), ColorMap.Jet[1]);
        Assert.Equal(((byte)255, (byte)255, (byte)255), ColorMap.Gray[2.5]);
        Assert.Equal(ColorMap.Viridis[0], ColorMap.Viridis[double.NaN]);
        var image = new RgbImage(2, 1, [100, 100, 100, 100, 100, 100]);
        var overlay = ColorMap.Gray.Overlay(image, [0f, 1f], opacity: 0.5);
        Assert.Equal(new byte[] { 50, 50, 50, 178, 178, 178 }, overlay.Pixels);
        Assert.Throws<ArgumentException>(() => ColorMap.Gray.Overlay(image, [0f], 0.5));
    }

    [Fact]
    public void BilinearResamplingKeepsConstantsAndSizes()
    {
        var maps = new ClassMaps(2, 2, 3, [1, 1, 1, 1, 1, 1, 0, 0, 0, 6, 6, 6]);
        var resized = Resample.Bilinear(maps, 6, 4);
        Assert.Equal((2, 4, 6), (resized.Classes, resized.Height, resized.Width));
        Assert.All(resized.Values.Take(24), v => Assert.Equal(1f, v));
        Assert.Equal(0f, resized.Values[24]);
        Assert.Equal(6f, resized.Values[^1]);
        Assert.Equal(1.5f, resized.Values[24 + 6], 5);
    }

    [Fact]
    public void CamMaskLabelsClassesThroughTheKeys()
    {
        // Two classes (keys 8 = cat, 15 = person) on a 1x3 map; the middle pixel is below the threshold.
        var file = new CamFile([0, 8, 15], HighResCam: new ClassMaps(2, 1, 3, [0.9f, 0.1f, 0.2f, 0.3f, 0.05f, 0.95f]));
        var view = new CamView(null, file, 0.25);
        Assert.Equal(new byte[] { 8, 0, 15 }, view.Mask().Labels);
        var html = view.ToHtml();
        Assert.Contains("cat (max 0.90)", html);
        Assert.Contains("person (max 0.95)", html);
    }

    [Fact]
    public void MaskScoresSkipIgnoredPixels()
    {
        var truth = new LabelMap(4, 1, [1, 1, 255, 0]);
        var prediction = new LabelMap(4, 1, [1, 0, 1, 0]);
        Assert.Equal(50.0, MaskComparison.Iou(prediction, truth, 1));
        Assert.Equal(50.0, MaskComparison.Iou(prediction, truth, 0));
        Assert.True(double.IsNaN(MaskComparison.Iou(prediction, truth, 7)));
        var (errors, accuracy) = MaskComparison.Disagreement(prediction, truth);
        Assert.Equal(2.0 / 3, accuracy, 12);
        Assert.Equal(new byte[] { 0, 255, 128, 0 }, errors.Pixels.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void TrainingChartReadsTheTrainingLogAndGroupsLossesInOnePanel()
    {
        var dir = Directory.CreateTempSubdirectory("puzzlecam-log-");
        try
        {
            var log = new TrainingLog(dir.FullName, "run", resumeIteration: 0);
            log.Add("train", new Dictionary<string, double> { ["iteration"] = 10, ["loss"] = 0.9, ["class_loss"] = 0.7, ["alpha"] = 0.1, ["lr"] = 0.1 });
            log.Add("train", new Dictionary<string, double> { ["iteration"] = 20, ["loss"] = 0.5, ["class_loss"] = 0.4, ["alpha"] = 0.2, ["lr"] = 0.09 });
            log.Add("validation", new Dictionary<string, double> { ["iteration"] = 20, ["threshold"] = 0.2, ["train_mIoU"] = 41.5, ["best_train_mIoU"] = 41.5, ["time"] = 3 });
            var chart = TrainingChart.FromLog(log.JsonPath);
            Assert.Equal(3, chart.Records.Count);
            Assert.Equal("run", chart.Title);
            var figure = JsonNode.Parse(chart.ToChart().ToJson())!;
            var traces = figure["data"]!.AsArray();
            // The trainer's bookkeeping (iteration, time) is not plotted; losses share a panel, and so do the mIoUs.
            Assert.Equal(["loss", "class_loss", "alpha", "lr", "threshold", "train_mIoU", "best_train_mIoU"], traces.Select(t => (string)t!["name"]!));
            Assert.Equal(["y", "y", "y2", "y3", "y4", "y5", "y5"], traces.Select(t => (string)t!["yaxis"]!));
            Assert.Equal([10.0, 20.0], traces[0]!["x"]!.AsArray().Select(v => (double)v!));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void TrainingChartCollectsWithoutANotebook()
    {
        var chart = TrainingChart.Show();
        chart.Report(new TrainingRecord(1, "train", new Dictionary<string, double> { ["loss"] = 1 }));
        chart.Complete();
        Assert.Single(chart.Records);
        Assert.Contains("loss=1", chart.ToHtml());
        Assert.Contains("waiting for the first iteration", new TrainingChart().ToHtml());
    }

    [Fact]
    public void ChartsWriteNullForValuesJsonCannotHold()
    {
        var chart = PlotlyChart.Bars("t", ["a", "b"], [("s", [double.NaN, 2])], "y");
        Assert.Contains("\"y\":[null,2]", chart.ToJson());
        Assert.Throws<ArgumentException>(() => PlotlyChart.Bars("t", ["a", "b"], [("s", [1.0])], "y"));
        Assert.Contains("<script", chart.ToHtml());
        Assert.DoesNotContain("</script", chart.ToJson());
    }

    [Fact]
    public void EmbeddedPlotlyIsTheVersionTheLockFilePins()
    {
        var lockFile = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "PuzzleCam.Interactive", "package-lock.json")))!;
        Assert.Equal((string)lockFile["packages"]!["node_modules/plotly.js-basic-dist-min"]!["version"]!, PlotlyLibrary.Version);
        Assert.StartsWith("<script", PlotlyLibrary.ScriptElement());
        Assert.Contains("MIT", PlotlyLibrary.License);
    }

    [Fact]
    public void TheBuildRecordsWhichLibTorchToPreload()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        var version = System.Text.RegularExpressions.Regex.Match(props, "<LibTorchVersion>([^<]+)</LibTorchVersion>").Groups[1].Value;
        if (OperatingSystem.IsLinux()) Assert.Equal($"libtorch-cpu-linux-x64/{version}", TorchNatives.LibTorchPackage);
        // Tests load TorchSharp from their bin folder, where no preload is needed: Prepare only checks that torch loads.
        Assert.DoesNotContain("natives from", TorchNatives.Prepare());
    }

    [Fact]
    public void RegisteredFormattersProduceTheViews()
    {
        PuzzleCamFormatters.Register();
        var map = new LabelMap(2, 2, [0, 12, 255, 12]);
        var html = map.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("puzzlecam-labels", html);
        Assert.Contains("dog", html);
        Assert.Contains("ignore", html);
        Assert.Contains("puzzlecam-plotly", PlotlyChart.Bars("t", ["a"], [("s", [1.0])], "y").ToDisplayString(HtmlFormatter.MimeType));
    }
}
