using System.Text.Json;
using PuzzleCam.Cams;
using PuzzleCam.Evaluation;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Evaluation;

/// <summary>The runner end to end on real PNG / npz files in a temporary folder.</summary>
public sealed class EvaluationRunnerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("evaluate").FullName;
    private string Predictions => Path.Combine(root, "predictions");
    private string Gt => Path.Combine(root, "gt");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private EvaluationOptions Options(IReadOnlyList<string> ids) => new() { PredictDir = Predictions, GtDir = Gt, Ids = ids };

    private static LabelMap RandomMap(Random random, int width, int height, Func<int, byte> value)
    {
        var map = new LabelMap(width, height);
        for (int i = 0; i < map.Labels.Length; i++) map.Labels[i] = value(random.Next(100));
        return map;
    }

    private (List<string> Ids, List<(LabelMap Prediction, LabelMap Gt)> Pairs) WritePngPairs(int count)
    {
        var random = new Random(11);
        var ids = new List<string>();
        var pairs = new List<(LabelMap, LabelMap)>();
        for (int i = 0; i < count; i++)
        {
            var gt = RandomMap(random, 7, 5, r => r < 10 ? (byte)255 : (byte)(r % 4 * 5));
            var prediction = RandomMap(random, 7, 5, r => (byte)(r % 4 * 5));
            var id = $"2007_{i:D6}";
            PalettePng.Write(Path.Combine(Gt, id + ".png"), gt);
            PalettePng.Write(Path.Combine(Predictions, id + ".png"), prediction);
            ids.Add(id);
            pairs.Add((prediction, gt));
        }
        return (ids, pairs);
    }

    [Fact]
    public void PngFolderIsScoredEndToEnd()
    {
        var (ids, pairs) = WritePngPairs(10);
        var expected = new PixelCounts();
        foreach (var (p, g) in pairs) expected.Add(p.Labels, g.Labels);

        var report = new EvaluationRunner(Options(ids) with { MaxDegreeOfParallelism = 3 }).Run();
        var sequential = new EvaluationRunner(Options(ids) with { MaxDegreeOfParallelism = 1 }).Run();

        Assert.Equal("png", report.Mode);
        Assert.Equal(10, report.Images);
        Assert.Null(report.Threshold);
        Assert.Null(report.Sweep);
        Assert.Equal(expected.Scores().MeanIou, report.Miou);
        Assert.Equal(sequential.Miou, report.Miou);
        Assert.Equal(expected.Scores().Iou[5], report.PerClass["bottle"]);
        Assert.Equal(expected.ValidPixels, report.ValidPixels);
        Assert.Equal(expected.TruePositive(10), report.Counts["cow"].TruePositive);
        Assert.Contains("diningtable", report.ToString());
        Assert.Contains("mIoU=", report.ToString());
    }

    [Fact]
    public void EveryEighthScoresIdsZeroAndEightOfTen()
    {
        var (ids, pairs) = WritePngPairs(10);
        var expected = new PixelCounts();
        expected.Add(pairs[0].Prediction.Labels, pairs[0].Gt.Labels);
        expected.Add(pairs[8].Prediction.Labels, pairs[8].Gt.Labels);

        var report = new EvaluationRunner(Options(ids) with { EveryEighth = true }).Run();

        Assert.Equal(2, report.Images);
        Assert.Equal(10, report.ListedImages);
        Assert.Equal(expected.Scores().MeanIou, report.Miou);
        Assert.Contains("every 8th", report.ToString());
    }

    /// <summary>One 1 x 20 image: label 3 (bird) scores x / 20, and the ground truth is class 3 from x = 9 (score 0.45) on.</summary>
    private string WriteRamp(bool randomWalk)
    {
        var values = Enumerable.Range(0, 20).Select(x => x / 20f).ToArray();
        var maps = new ClassMaps(1, 1, 20, values);
        var file = randomWalk ? new CamFile([0, 3], RandomWalk: maps) : new CamFile([0, 3], Cam: maps, HighResCam: maps);
        file.Write(Path.Combine(Predictions, "ramp.npz"));
        var gt = new LabelMap(20, 1);
        for (int x = 9; x < 20; x++) gt.Labels[x] = 3;
        gt.Labels[0] = 255;
        PalettePng.Write(Path.Combine(Gt, "ramp.png"), gt);
        return "ramp";
    }

    [Fact]
    public void NpzPredictionsAreSweptAndTheBestThresholdReported()
    {
        var id = WriteRamp(randomWalk: false);
        var reportPath = Path.Combine(root, "report.json");

        var report = new EvaluationRunner(Options([id])).RunAndWrite(reportPath);

        Assert.Equal("npz", report.Mode);
        Assert.NotNull(report.Sweep);
        Assert.Equal(ThresholdSweep.ForCams().Thresholds, report.Sweep!.Select(r => r.Threshold));
        // 0.40 is the only threshold that keeps 0.40 as background and takes 0.45 as the class: a perfect score.
        Assert.Equal(ThresholdSweep.ForCams().Thresholds[7], report.Threshold);
        Assert.Equal(2 * 100 / (21 * (1 + 1e-12)), report.Miou, 6);
        Assert.Equal(0, report.FpAll);
        Assert.Null(report.OverThreshold);

        var json = File.ReadAllText(reportPath);
        using var doc = JsonDocument.Parse(json);
        foreach (var key in new[] { "miou", "miou_foreground", "per_class", "precision", "recall", "threshold", "sweep", "fp_all", "fn_all", "t_tp", "p_tp", "calculator_fp", "calculator_fn", "counts", "valid_pixels", "every_eighth" })
            Assert.True(doc.RootElement.TryGetProperty(key, out _), $"report JSON lacks '{key}'");
        Assert.True(doc.RootElement.GetProperty("per_class").TryGetProperty("background", out _));
        Assert.True(doc.RootElement.GetProperty("counts").GetProperty("boat").TryGetProperty("true_positive", out _));
        var back = EvaluationReport.Read(reportPath);
        Assert.Equal(report.Miou, back.Miou);
        Assert.Equal(report.Sweep.Count, back.Sweep!.Count);
        Assert.Equal(report.PerClass["boat"], back.PerClass["boat"]);
    }

    [Fact]
    public void FixedThresholdIsOneEvaluation()
    {
        var id = WriteRamp(randomWalk: false);
        var report = new EvaluationRunner(Options([id]) with { Mode = EvaluationMode.Scores, Threshold = 0.1 }).Run();
        Assert.Equal(0.1, report.Threshold);
        Assert.Null(report.Sweep);
        // Scores 0.15 .. 0.40 (6 pixels) become class 3 but are background in the ground truth.
        Assert.Equal(6, report.Counts["bird"].Predicted - report.Counts["bird"].TruePositive);
    }

    [Fact]
    public void RandomWalkModeReportsOverAndUnderThresholds()
    {
        var id = WriteRamp(randomWalk: true);
        var report = new EvaluationRunner(Options([id]) with { Mode = EvaluationMode.RandomWalk, MaxThreshold = 0.5 }).Run();
        Assert.Equal("rw", report.Mode);
        Assert.Equal(9, report.Sweep!.Count);
        Assert.Equal(ThresholdSweep.ForCams().Thresholds[7], report.Threshold);
        Assert.Contains(report.OverThreshold!.Value, report.Sweep.Select(r => r.Threshold));
        Assert.Contains(report.UnderThreshold!.Value, report.Sweep.Select(r => r.Threshold));
        Assert.Contains("Over Th=", report.ToString());
    }

    [Fact]
    public void RandomWalkModeOnACamFolderIsRefused()
    {
        var id = WriteRamp(randomWalk: false);
        var e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options([id]) with { Mode = EvaluationMode.RandomWalk }).Run());
        Assert.Contains("--mode rw cannot score it", e.Message);
    }

    [Fact]
    public void APredictionValueThatIsNoLabelIsRefusedNamingTheFile()
    {
        var (ids, _) = WritePngPairs(2);
        var path = Path.Combine(Predictions, ids[1] + ".png");
        var bad = new LabelMap(7, 5);
        bad.Labels[3] = 100;
        PalettePng.Write(path, bad);
        var e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options(ids)).Run());
        Assert.Equal(path, e.FilePath);
        Assert.Contains("value 100", e.Message);
    }

    [Fact]
    public void MissingPredictionNamesTheFile()
    {
        var (ids, _) = WritePngPairs(2);
        var e = Assert.Throws<FileNotFoundException>(() => new EvaluationRunner(Options([.. ids, "2008_000123"]) with { Mode = EvaluationMode.Png }).Run());
        Assert.Contains(Path.Combine(Predictions, "2008_000123.png"), e.Message);
    }

    [Fact]
    public void MissingGroundTruthNamesTheFile()
    {
        var (ids, _) = WritePngPairs(2);
        File.Delete(Path.Combine(Gt, ids[1] + ".png"));
        var e = Assert.Throws<FileNotFoundException>(() => new EvaluationRunner(Options(ids)).Run());
        Assert.Contains(Path.Combine(Gt, ids[1] + ".png"), e.Message);
    }

    [Fact]
    public void SizeMismatchNamesBothFiles()
    {
        var (ids, _) = WritePngPairs(3);
        PalettePng.Write(Path.Combine(Predictions, ids[2] + ".png"), new LabelMap(6, 5));
        var e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options(ids)).Run());
        Assert.Equal(Path.Combine(Predictions, ids[2] + ".png"), e.FilePath);
        Assert.Contains(Path.Combine(Gt, ids[2] + ".png"), e.Message);
        Assert.Contains("6x5", e.Message);
    }

    [Fact]
    public void BadGroundTruthValueNamesTheFile()
    {
        var (ids, _) = WritePngPairs(1);
        var gt = new LabelMap(7, 5);
        gt.Labels[3] = 30;
        PalettePng.Write(Path.Combine(Gt, ids[0] + ".png"), gt);
        var e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options(ids)).Run());
        Assert.Equal(Path.Combine(Gt, ids[0] + ".png"), e.FilePath);
    }

    [Fact]
    public void NpzWithoutImageSizeMapsOrCorruptIsNamed()
    {
        var id = WriteRamp(randomWalk: false);
        var path = Path.Combine(Predictions, id + ".npz");
        new CamFile([0, 3], Cam: new ClassMaps(1, 1, 5, new float[5])).Write(path);
        var e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options([id])).Run());
        Assert.Equal(path, e.FilePath);
        Assert.Contains("hr_cam", e.Message);

        File.WriteAllBytes(path, [1, 2, 3, 4]);
        e = Assert.Throws<InvalidDataFileException>(() => new EvaluationRunner(Options([id])).Run());
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void BadOptionsNameTheOption()
    {
        var (ids, _) = WritePngPairs(1);
        Assert.Contains("--threshold", Assert.Throws<BadInputException>(() => new EvaluationRunner(Options(ids) with { Threshold = 0.3 }).Run()).Message);
        Assert.Contains("--threshold", Assert.Throws<BadInputException>(() => new EvaluationRunner(Options(ids) with { Mode = EvaluationMode.Png, Threshold = 0.3 }).Run()).Message);
        Assert.Contains("--max_th", Assert.Throws<BadInputException>(() => new EvaluationRunner(Options(ids) with { MaxThreshold = 0.05 }).Run()).Message);
        Assert.Contains("--mode", Assert.Throws<BadInputException>(() => EvaluationOptions.ParseMode("jpg")).Message);
        Assert.Equal(EvaluationMode.Scores, EvaluationOptions.ParseMode("npy"));
        Assert.Throws<DirectoryNotFoundException>(() => new EvaluationRunner(Options(ids) with { PredictDir = Path.Combine(root, "nope") }).Run());
    }
}
