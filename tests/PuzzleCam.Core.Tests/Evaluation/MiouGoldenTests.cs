using System.Globalization;
using System.Text.RegularExpressions;
using PuzzleCam.Cams;
using PuzzleCam.Data;
using PuzzleCam.Evaluation;
using PuzzleCam.IO;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Evaluation;

/// <summary>
/// case08: every scalar of scalars.json, read from its key. The evaluate.py entries go through the runner on PNG and
/// npz files written from the case's arrays; the Calculator_For_mIoU entries through <see cref="PixelCounts"/>.
/// </summary>
[Trait("Category", "Golden")]
public sealed partial class MiouGoldenTests(ITestOutputHelper output) : IDisposable
{
    private const string Case = "case08_miou";
    private const double RelativeTolerance = 1e-12;

    private readonly string dir = Directory.CreateTempSubdirectory("miou-golden").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void EveryScalarMatchesTheReference()
    {
        int pairs = Directory.GetFiles(GoldenData.CaseDir(Case), "gt_*.npy").Length;
        Assert.True(pairs > 0);
        var ids = Enumerable.Range(0, pairs).Select(i => $"pair_{i}").ToList();
        string predictDir = Path.Combine(dir, "png"), gtDir = Path.Combine(dir, "gt");
        var calculator = new PixelCounts();
        for (int i = 0; i < pairs; i++)
        {
            var gt = LabelMapOf(GoldenData.Load(Case, $"gt_{i}.npy"));
            var prediction = LabelMapOf(GoldenData.Load(Case, $"pred_{i}.npy"));
            PalettePng.Write(Path.Combine(gtDir, ids[i] + ".png"), gt);
            PalettePng.Write(Path.Combine(predictDir, ids[i] + ".png"), prediction);
            calculator.Add(prediction.Labels, gt.Labels);
        }
        var calculatorScores = calculator.Scores();
        var reports = new Dictionary<string, EvaluationReport>();

        using var doc = GoldenData.Json(Case, "scalars.json");
        int exact = 0, count = 0;
        double worst = 0;
        string worstKey = "";
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            double expected = entry.Value.GetDouble();
            double actual;
            var calc = CalculatorKey().Match(entry.Name);
            var eval = EvaluateKey().Match(entry.Name);
            if (calc.Success)
            {
                actual = CalculatorValue(calculatorScores, calc.Groups[1].Value, entry.Name);
            }
            else if (eval.Success)
            {
                var run = eval.Groups[1].Value;
                if (!reports.TryGetValue(run, out var report)) reports[run] = report = Evaluate(run, ids, predictDir, gtDir);
                actual = EvaluateValue(report, eval.Groups[2].Value, entry.Name);
            }
            else
            {
                throw new InvalidOperationException($"scalar {entry.Name} is not understood by this test");
            }
            double deviation = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1.0);
            Assert.True(deviation <= RelativeTolerance, $"{entry.Name}: {actual:R} vs {expected:R}");
            if (actual == expected) exact++; else output.WriteLine($"not bit-identical: {entry.Name} {actual:R} vs {expected:R}");
            if (deviation > worst) (worst, worstKey) = (deviation, entry.Name);
            count++;
        }
        output.WriteLine($"{count} scalars, {exact} bit-identical, largest relative deviation {worst:E3} ({worstKey})");
        Assert.True(count >= 100);
    }

    private EvaluationReport Evaluate(string run, List<string> ids, string predictDir, string gtDir)
    {
        var single = SinglePair().Match(run);
        if (single.Success)
        {
            var id = ids[int.Parse(single.Groups[1].Value, CultureInfo.InvariantCulture)];
            return new EvaluationRunner(new EvaluationOptions { PredictDir = predictDir, GtDir = gtDir, Ids = [id], Mode = EvaluationMode.Png }).Run();
        }
        if (run == "ten_pairs")
        {
            // The reference scores every 8th image of its list; the option reproduces that for comparison.
            return new EvaluationRunner(new EvaluationOptions { PredictDir = predictDir, GtDir = gtDir, Ids = ids, Mode = EvaluationMode.Png, EveryEighth = true }).Run();
        }
        var npy = HighResCamThreshold().Match(run);
        if (npy.Success)
        {
            // Scored against gt_0 (the case's description of npy_keys).
            var hrCam = GoldenData.Load(Case, "npy_hr_cam.npy");
            var keys = GoldenData.Load(Case, "npy_keys.npy").ToArray<long>();
            var npzDir = Path.Combine(dir, "npz");
            new CamFile(keys, HighResCam: ClassMaps.FromNpy(hrCam, "npy_hr_cam.npy", "hr_cam")).Write(Path.Combine(npzDir, ids[0] + ".npz"));
            double threshold = double.Parse(npy.Groups[1].Value, CultureInfo.InvariantCulture);
            return new EvaluationRunner(new EvaluationOptions { PredictDir = npzDir, GtDir = gtDir, Ids = [ids[0]], Threshold = threshold }).Run();
        }
        throw new InvalidOperationException($"evaluate.py run {run} is not understood by this test");
    }

    private static double CalculatorValue(SegmentationScores scores, string metric, string key)
    {
        if (metric.StartsWith("IoU.", StringComparison.Ordinal)) return scores.Iou[LabelIndex(metric[4..], key)];
        return metric switch
        {
            "mIoU" => scores.MeanIou,
            "mIoU_foreground" => scores.MeanIouForeground,
            "FP" => scores.CalculatorFp,
            "FN" => scores.CalculatorFn,
            _ => throw new InvalidOperationException($"scalar {key} is not understood by this test"),
        };
    }

    private static double EvaluateValue(EvaluationReport report, string metric, string key) => metric switch
    {
        "mIoU" => report.Miou,
        // evaluate.py prints the foreground mIoU as a fraction; the report keeps percent.
        "miou_foreground" => report.MiouForeground / 100,
        "fp_all" => report.FpAll,
        "fn_all" => report.FnAll,
        "t_tp" => report.TTp,
        "p_tp" => report.PTp,
        _ => report.PerClass[VocClasses.LabelNames[LabelIndex(metric, key)]],
    };

    private static int LabelIndex(string name, string key)
    {
        int index = VocClasses.LabelNames.ToList().IndexOf(name);
        return index >= 0 ? index : throw new InvalidOperationException($"scalar {key}: unknown class {name}");
    }

    private static LabelMap LabelMapOf(NpyArray array) =>
        new((int)array.Shape[1], (int)array.Shape[0], array.ToArray<byte>());

    [GeneratedRegex(@"^calculator_all_ten\.(.+)$")]
    private static partial Regex CalculatorKey();

    [GeneratedRegex(@"^evaluate\.py\[(.+)\]\.(\w+)$")]
    private static partial Regex EvaluateKey();

    [GeneratedRegex(@"^single_pair_(\d+)$")]
    private static partial Regex SinglePair();

    [GeneratedRegex(@"^npy_hr_cam_threshold_([0-9.]+)$")]
    private static partial Regex HighResCamThreshold();
}
