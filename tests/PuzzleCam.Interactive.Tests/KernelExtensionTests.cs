using Microsoft.DotNet.Interactive.Events;

namespace PuzzleCam.Interactive.Tests;

/// <summary>The extension in a real C# kernel: loaded as a notebook loads it, values displayed from submitted code.</summary>
public class KernelExtensionTests
{
    private const string Usings = "using PuzzleCam.Interactive; using PuzzleCam.Data.Voc; using PuzzleCam.IO; using PuzzleCam.Training;";

    [Fact]
    public async Task LoadingTheExtensionReadiesTorchAndEmbedsPlotlyOnce()
    {
        using var kernel = await KernelHarness.StartAsync();
        var loaded = string.Concat(kernel.LoadOutput);
        Assert.Contains("formatters registered", loaded);
        Assert.Contains("TorchSharp", loaded);
        Assert.Contains("window.Plotly", loaded);
        Assert.Single(kernel.LoadOutput, html => html.Contains("puzzlecam-plotly-js"));
        var html = await kernel.SubmitAsync("display(TorchSharp.torch.arange(12).reshape(3, 4));");
        Assert.Contains("Tensor Int64 [3, 4]", Assert.Single(html));
        Assert.Contains("data:image/png;base64,", html[0]);
    }

    [Fact]
    public async Task SampleDisplaysImageGroundTruthAndTags()
    {
        using var kernel = await KernelHarness.StartAsync();
        var root = Fixtures.Val.Root.Replace("\\", "\\\\");
        var html = string.Concat(await kernel.SubmitAsync($$"""
            {{Usings}}
            var data = VocDataset.Open("{{root}}", ImageListSource.FromDomain("val"));
            display(data.Read(data.Ids[0]));
            """));
        Assert.Contains("puzzlecam-sample", html);
        Assert.Equal(3, Images(html));
        Assert.Contains("tags:", html);
        Assert.Contains("background", html);
    }

    [Fact]
    public async Task CamResultShowsHeatMapPerClassAndTheMask()
    {
        using var kernel = await KernelHarness.StartAsync();
        var sample = Fixtures.Sample();
        var cams = Fixtures.Cams(sample);
        var npz = Path.Combine(Path.GetTempPath(), $"puzzlecam-cam-{Guid.NewGuid():N}.npz");
        cams.Write(npz);
        try
        {
            var root = Fixtures.Val.Root;
            var html = string.Concat(await kernel.SubmitAsync($$"""
                {{Usings}} using PuzzleCam.Cams;
                var data = VocDataset.Open(@"{{root}}", ImageListSource.FromDomain("val"));
                var sample = data.Read("{{sample.Id}}");
                display(new CamView(sample.Image, CamFile.Read(@"{{npz}}"), 0.3) { GroundTruth = sample.Mask, Title = "fake CAMs" });
                """));
            Assert.Contains("puzzlecam-cams", html);
            // image, one heat map per class, mask, ground truth, and the colour bar
            Assert.Equal(1 + cams.HighResCam!.Classes + 2 + 1, Images(html));
            Assert.Contains("mask at threshold 0.30", html);
            foreach (var key in cams.Keys.Skip(1)) Assert.Contains(Html.LabelName((int)key), html);
        }
        finally
        {
            File.Delete(npz);
        }
    }

    [Fact]
    public async Task LabelMapPairShowsLegendDisagreementAndIou()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = string.Concat(await kernel.SubmitAsync($$"""
            {{Usings}}
            var truth = new LabelMap(4, 2, new byte[] { 0, 12, 12, 255, 0, 0, 12, 0 });
            var prediction = new LabelMap(4, 2, new byte[] { 0, 12, 0, 12, 0, 0, 12, 15 });
            display(new MaskComparison(prediction, truth) { PredictionName = "pseudo label" });
            """));
        Assert.Contains("pseudo label", html);
        Assert.Contains("dog", html);
        Assert.Contains("person", html);
        Assert.Contains("pixel accuracy 71.4 %", html);
        Assert.Contains("<table", html);
    }

    [Fact]
    public async Task TrainingChartRedrawsLiveWhileTheCellRuns()
    {
        using var kernel = await KernelHarness.StartAsync();
        var events = await kernel.RunAsync($$"""
            {{Usings}}
            var chart = TrainingChart.Show("classifier", TimeSpan.Zero);
            for (int i = 1; i <= 5; i++)
                chart.Report(new TrainingRecord(i * 10, "train", new Dictionary<string, double> { ["class_loss"] = 1.0 / i, ["p_loss"] = 0.5 / i, ["alpha"] = i * 0.4, ["lr"] = 0.1 * (1 - i / 6.0) }));
            chart.Report(new TrainingRecord(50, "validation", new Dictionary<string, double> { ["train_mIoU"] = 42.5 }));
            chart.Complete();
            """);
        var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
        var updates = events.OfType<DisplayedValueUpdated>().ToList();
        Assert.Equal(6, updates.Count);
        Assert.All(updates, u => Assert.Equal(shown.ValueId, u.ValueId));
        var last = KernelHarness.Html(updates.TakeLast(1)).Single();
        Assert.Contains("puzzlecam-plotly", last);
        foreach (var name in new[] { "class_loss", "p_loss", "alpha", "lr", "train_mIoU" }) Assert.Contains($"\"{name}\"", last);
        Assert.Contains("yaxis4", last);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task ClassifierTrainingDrivesTheLiveChart()
    {
        using var kernel = await KernelHarness.StartAsync();
        var experiments = Directory.CreateTempSubdirectory("puzzlecam-chart-training-");
        try
        {
            var events = await kernel.RunAsync($$"""
                {{Usings}} using PuzzleCam.Classification; using PuzzleCam.Models;
                var chart = TrainingChart.Show("Puzzle-CAM, resnet18", TimeSpan.Zero);
                ClassifierTrainer.Run(new ClassifierTrainingOptions
                {
                    DataDir = @"{{Fixtures.Val.Root}}", Architecture = "resnet18", Mode = NormMode.Fix, BatchSize = 4, MaxEpoch = 1,
                    ImageSize = 32, MinImageSize = 32, MaxImageSize = 48, NumWorkers = 1, LearningRate = 0.01, Tag = "chart",
                    ExperimentsDir = @"{{experiments.FullName}}", Losses = new PuzzleLossOptions { Alpha = 4 },
                }, progress: chart);
                chart.Complete();
                """);
            var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
            var updates = events.OfType<DisplayedValueUpdated>().Where(u => u.ValueId == shown.ValueId).ToList();
            Assert.NotEmpty(updates);
            var last = KernelHarness.Html(updates.TakeLast(1)).Single();
            foreach (var name in new[] { "p_class_loss", "learning_rate", "alpha", "train_mIoU" }) Assert.Contains($"\"{name}\"", last);
            Assert.DoesNotContain("\"time\"", last);
        }
        finally
        {
            experiments.Delete(true);
        }
    }

    [Fact]
    public async Task EvaluationShowsTableAndChartsAndComparesRuns()
    {
        using var kernel = await KernelHarness.StartAsync();
        var sharp = Fixtures.Report(blur: 2);
        var blurry = Fixtures.Report(blur: 8);
        var dir = Path.Combine(Path.GetTempPath(), $"puzzlecam-reports-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            sharp.Write(Path.Combine(dir, "sharp.json"));
            blurry.Write(Path.Combine(dir, "blurry.json"));
            var html = await kernel.SubmitAsync($$"""
                {{Usings}} using PuzzleCam.Evaluation;
                var sharp = EvaluationReport.Read(@"{{dir}}/sharp.json");
                var blurry = EvaluationReport.Read(@"{{dir}}/blurry.json");
                display(sharp);
                display(RunComparison.Of(("sharp", sharp), ("blurry", blurry)));
                display(sharp.ToDataFrame());
                """);
            Assert.Equal(3, html.Count);
            Assert.Contains("puzzlecam-evaluation", html[0]);
            Assert.Contains("threshold sweep", html[0]);
            Assert.Equal(2, Count(html[0], "class=\"puzzlecam-plotly\""));
            Assert.Contains("<table", html[0]);
            Assert.Contains("precision", html[0]);
            Assert.Contains("puzzlecam-comparison", html[1]);
            Assert.Contains("blurry − sharp", html[1]);
            // The DataFrame itself is left to its own package's formatter (a table too).
            Assert.Contains("<table", html[2]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task TensorsShowAsImagesWithAColourMap()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = await kernel.SubmitAsync("""
            using PuzzleCam.Interactive; using TorchSharp;
            display(torch.rand(3, 16, 16));
            display(torch.rand(1, 5, 8, 8).AsImage(ColorMap.Jet, (0, 1), new[] { "a", "b" }));
            display(torch.zeros(2, 3, 4, 4));
            """);
        Assert.Contains("RGB", html[0]);
        Assert.Equal(5, Images(html[1]));
        Assert.Contains("jet: 0 … 1", html[1]);
        Assert.Contains(">a<", html[1]);
        Assert.Equal(0, Images(html[2]));
        Assert.Contains("Tensor Float32 [2, 3, 4, 4]", html[2]);
    }

    [Fact]
    public async Task SyntheticSummaryShowsChartAndTable()
    {
        using var kernel = await KernelHarness.StartAsync();
        var dir = Path.Combine(Path.GetTempPath(), $"puzzlecam-synthetic-{Guid.NewGuid():N}");
        try
        {
            var html = string.Concat(await kernel.SubmitAsync($$"""
                using PuzzleCam.Data.Synthetic;
                display(SyntheticVocDataset.Generate(@"{{dir}}", new SyntheticOptions { Train = 4, Val = 2, Size = 64 }));
                """));
            Assert.Contains("images per class", html);
            Assert.Contains("train_aug images", html);
            Assert.Contains("class=\"puzzlecam-plotly\"", html);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    internal static int Images(string html) => Count(html, "data:image/png;base64,");

    internal static int Count(string html, string what) => html.Split(what).Length - 1;
}
