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
                Trainer.Run(new ClassifierTrainingOptions
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

    [Fact]
    public async Task AffinityLabelsShowConfidentForegroundBackgroundAndIgnored()
    {
        using var kernel = await KernelHarness.StartAsync();
        var sample = Fixtures.Richest();
        var npz = Path.Combine(Path.GetTempPath(), $"puzzlecam-affinity-{Guid.NewGuid():N}.npz");
        Fixtures.Cams(sample, blur: 6).Write(npz);
        try
        {
            var html = string.Concat(await kernel.SubmitAsync($$"""
                {{Usings}} using PuzzleCam.Cams; using PuzzleCam.Affinity;
                var data = VocDataset.Open(@"{{Fixtures.Val.Root}}", ImageListSource.FromDomain("val"));
                var sample = data.Read("{{sample.Id}}");
                var cams = CamFile.Read(@"{{npz}}");
                var labels = AffinityLabels.Compute(cams, sample.Image, AffinityLabelOptions.Readme);
                display(new AffinityLabelView(sample.Image, labels) { Cams = cams, Thresholds = AffinityLabelOptions.Readme, GroundTruth = sample.Mask, Title = "stage 3" });
                """));
            Assert.Contains("puzzlecam-affinity-labels", html);
            // image, strict, lenient, labels over the image, labels, ground truth
            Assert.Equal(6, Images(html));
            Assert.Contains("strict: CAM above fg 0.40, before the CRF", html);
            Assert.Contains("lenient: CAM above bg 0.10, before the CRF", html);
            foreach (var row in new[] { "confident foreground", "confident background", "ignored (255)", "agrees with the ground truth %" }) Assert.Contains(row, html);
        }
        finally
        {
            File.Delete(npz);
        }
    }

    [Fact]
    public async Task EdgeMapAndOnePixelsAffinitiesShowThePathThatDecidesThem()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = await kernel.SubmitAsync($$"""
            {{Usings}} using PuzzleCam.Affinity;
            var image = new RgbImage(96, 96);
            // One vertical edge (column 12 of 24): every pair across it has affinity 1 - 0.9.
            var edges = new EdgeMap(24, 24, Enumerable.Range(0, 24 * 24).Select(i => i % 24 == 12 ? 0.9f : 0.05f).ToArray());
            display(new EdgeMapView(image, edges));
            display(new PixelAffinityView(image, edges, 10, 8));
            display(new PixelAffinityView(image, edges, 10, 8) { Partner = (0, -3) });
            display(edges);
            """);
        Assert.Equal(4, html.Count);
        Assert.Contains("puzzlecam-edges", html[0]);
        Assert.Equal(3, Images(html[0]) - 1);
        Assert.Contains("4.2 % of the cells above 0.5", html[0]);
        Assert.Contains("puzzlecam-pixel-affinity", html[1]);
        Assert.Contains("radius-10 disc", html[1]);
        Assert.Contains("<td style=\"padding:2px 8px;border-bottom:1px solid #ddd;text-align:right\">0.100</td>", html[1]);
        Assert.Contains("onclick", html[1]);
        Assert.Contains("(0, -3)", html[2]);
        Assert.Contains(">0.950<", html[2]);
        Assert.Equal(1, Images(html[3]));
    }

    [Fact]
    public async Task RandomWalkSpreadShowsEveryPowerAndTheShareInsideTheObject()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = string.Concat(await kernel.SubmitAsync($$"""
            {{Usings}} using PuzzleCam.Affinity; using PuzzleCam.RandomWalk;
            var image = new RgbImage(96, 96);
            // An object filling columns 0..47, its CAM only at one cell; an edge where it ends.
            var truth = new LabelMap(96, 96, Enumerable.Range(0, 96 * 96).Select(i => i % 96 < 48 ? (byte)12 : (byte)0).ToArray());
            var edges = new EdgeMap(24, 24, Enumerable.Range(0, 24 * 24).Select(i => i % 24 == 12 ? 0.9f : 0.02f).ToArray());
            var cam = new float[24 * 24];
            cam[10 * 24 + 5] = 1;
            var steps = RandomWalkPropagation.PropagateInPowers(cam, 1, 24, 24, edges.Values, new RandomWalkOptions { ExpTimes = 4 });
            display(new RandomWalkSpread(image, new long[] { 0, 12 }, steps) { GroundTruth = truth, Title = "one cell of CAM" });
            """));
        Assert.Contains("puzzlecam-random-walk", html);
        // Captions are HTML-encoded, and the encoder writes Latin-1 letters such as · and ² as numeric entities.
        foreach (var step in new[] { "CAM·(1 − edge)", ">T<", "T²", "T⁴", "T⁸", "T¹⁶" }) Assert.Contains(step, System.Net.WebUtility.HtmlDecode(html));
        // six snapshots, image, mask, ground truth, colour bar
        Assert.Equal(10, Images(html));
        Assert.Contains("how much of each class score lies inside its object", html);
        Assert.Contains("\"type\":\"log\"", html);
    }

    [Fact]
    public async Task PredictionsAgainstTheGroundTruthMarkTheDifferingPixels()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = string.Concat(await kernel.SubmitAsync($$"""
            {{Usings}}
            var truth = new LabelMap(4, 2, new byte[] { 0, 12, 12, 255, 0, 0, 12, 0 });
            var pseudo = new LabelMap(4, 2, new byte[] { 0, 12, 0, 12, 0, 0, 12, 15 });
            var deeplab = new LabelMap(4, 2, new byte[] { 0, 12, 12, 12, 0, 0, 12, 0 });
            display(PredictionComparison.Of(null, truth, ("pseudo label", pseudo), ("DeepLabv3+", deeplab)));
            """));
        Assert.Contains("puzzlecam-predictions", html);
        Assert.Equal(3, Images(html));
        Assert.Contains("pseudo label (71.4 % right)", html);
        Assert.Contains("DeepLabv3+ (100.0 % right)", html);
        Assert.Contains("pixel accuracy %", html);
        Assert.Contains("white stripes", html);
    }

    [Fact]
    public async Task PipelineTableIsADataFrameAndAChartWithThePapersNumbers()
    {
        using var kernel = await KernelHarness.StartAsync();
        var html = await kernel.SubmitAsync($$"""
            {{Usings}} using PuzzleCam.Pipeline;
            var rows = new[] { new PipelineRow("cam", "train", 50.5), new PipelineRow("rw", "train", 60.25), new PipelineRow("deeplab_crf", "val", 58) };
            display(new PipelineTable(rows) { WithPaper = true });
            display(new PipelineTable(rows));
            display(new PipelineTable(rows).ToDataFrame());
            """);
        Assert.Equal(3, html.Count);
        Assert.Contains("puzzlecam-pipeline", html[0]);
        foreach (var text in new[] { "Puzzle-CAM CAM", "+ random walk", "DeepLabv3+ + CRF", "paper (ResNeSt-101, VOC) %", "61.90", "71.90", "66.90", "60.25" }) Assert.Contains(text, html[0]);
        Assert.Equal(1, Count(html[0], "class=\"puzzlecam-plotly\""));
        Assert.DoesNotContain("paper", html[1]);
        Assert.Contains("<table", html[2]);
    }

    [Fact]
    public async Task PipelineReporterShowsStagesMessagesAndACountingLine()
    {
        using var kernel = await KernelHarness.StartAsync();
        var events = await kernel.RunAsync("""
            using PuzzleCam.Interactive; using PuzzleCam.Experiments;
            var reporter = new NotebookReporter();
            reporter.Stage("stage 3: affinity labels");
            reporter.Info("6 written, 0 already there");
            var progress = reporter.Progress("make-affinity-labels");
            for (int i = 1; i <= 6; i++) progress.Report(new StageProgress(i, 6));
            """);
        var shown = KernelHarness.Html(events.Where(e => e is not DisplayedValueUpdated));
        Assert.Contains(shown, h => h.Contains("== stage 3: affinity labels"));
        Assert.Contains(shown, h => h.Contains("<pre") && h.Contains("6 written, 0 already there"));
        Assert.Contains(shown, h => h.Contains("make-affinity-labels: starting"));
        var last = KernelHarness.Html(events.OfType<DisplayedValueUpdated>()).Last();
        Assert.Contains("make-affinity-labels: 6 of 6", last);
    }

    internal static int Images(string html) => Count(html, "data:image/png;base64,");

    internal static int Count(string html, string what) => html.Split(what).Length - 1;
}
