using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PuzzleCam.Data;

namespace PuzzleCam.Evaluation;

/// <summary>One row of a threshold sweep in a report.</summary>
public sealed record SweepRow(double Threshold, double Miou, double MiouForeground, double FpAll, double FnAll);

/// <summary>Pixel counts of one label: predicted as it, labelled it, both.</summary>
public sealed record LabelCounts(long Predicted, long Truth, long TruePositive);

/// <summary>
/// The outcome of <c>puzzlecam evaluate</c>. IoU, mIoU, precision and recall are percentages; fp/fn and t_tp/p_tp are
/// the reference's ratios. For swept score maps the headline numbers are those of the best threshold.
/// Serialised with snake_case keys (<c>miou</c>, <c>per_class</c>, <c>threshold</c>, ...).
/// </summary>
public sealed record EvaluationReport
{
    public required string PredictDir { get; init; }
    public required string GtDir { get; init; }

    /// <summary>The mode actually used: npz, png or rw.</summary>
    public required string Mode { get; init; }

    /// <summary>Images scored.</summary>
    public required int Images { get; init; }

    /// <summary>Images in the list (more than <see cref="Images"/> only with <see cref="EveryEighth"/>).</summary>
    public required int ListedImages { get; init; }

    public required bool EveryEighth { get; init; }

    /// <summary>mIoU over all 21 labels (a label absent from prediction and ground truth counts as 0).</summary>
    public required double Miou { get; init; }

    /// <summary>mIoU over the 20 object classes.</summary>
    public required double MiouForeground { get; init; }

    /// <summary>IoU per label name, background first.</summary>
    public required IReadOnlyDictionary<string, double> PerClass { get; init; }

    public required IReadOnlyDictionary<string, double> Precision { get; init; }
    public required IReadOnlyDictionary<string, double> Recall { get; init; }

    /// <summary>evaluate.py's fp_all (over-activation, mean over the 20 classes).</summary>
    public required double FpAll { get; init; }

    /// <summary>evaluate.py's fn_all (under-activation, mean over the 20 classes).</summary>
    public required double FnAll { get; init; }

    public required double TTp { get; init; }
    public required double PTp { get; init; }

    /// <summary>Calculator_For_mIoU's FP: the same ratio averaged over all 21 labels.</summary>
    public required double CalculatorFp { get; init; }

    /// <summary>Calculator_For_mIoU's FN: the same ratio averaged over all 21 labels.</summary>
    public required double CalculatorFn { get; init; }

    /// <summary>The background threshold of the headline numbers: given, or the best of the sweep; null for png.</summary>
    public double? Threshold { get; init; }

    /// <summary>Every threshold tried, in order; null without a sweep.</summary>
    public IReadOnlyList<SweepRow>? Sweep { get; init; }

    /// <summary>rw mode: the threshold whose fp_all is closest to 1.6 x the best's.</summary>
    public double? OverThreshold { get; init; }

    /// <summary>rw mode: the threshold whose fp_all is closest to 0.6 x the best's.</summary>
    public double? UnderThreshold { get; init; }

    /// <summary>Pixels scored (ground truth 0..20).</summary>
    public required long ValidPixels { get; init; }

    /// <summary>Pixel counts per label name at the headline threshold.</summary>
    public required IReadOnlyDictionary<string, LabelCounts> Counts { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Builds the report's score fields from accumulated counts.</summary>
    public static EvaluationReport From(PixelCounts counts, string predictDir, string gtDir, string mode, int images, int listedImages,
        bool everyEighth, double? threshold = null, IReadOnlyList<SweepPoint>? sweep = null, double? overThreshold = null, double? underThreshold = null)
    {
        var s = counts.Scores();
        var names = VocClasses.LabelNames;
        IReadOnlyDictionary<string, double> ByName(IReadOnlyList<double> v) => names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => v[p.i]);
        return new EvaluationReport
        {
            PredictDir = predictDir,
            GtDir = gtDir,
            Mode = mode,
            Images = images,
            ListedImages = listedImages,
            EveryEighth = everyEighth,
            Miou = s.MeanIou,
            MiouForeground = s.MeanIouForeground,
            PerClass = ByName(s.Iou),
            Precision = ByName(s.Precision),
            Recall = ByName(s.Recall),
            FpAll = s.FpAll,
            FnAll = s.FnAll,
            TTp = s.TTp,
            PTp = s.PTp,
            CalculatorFp = s.CalculatorFp,
            CalculatorFn = s.CalculatorFn,
            Threshold = threshold,
            Sweep = sweep?.Select(p => new SweepRow(p.Threshold, p.Scores.MeanIou, p.Scores.MeanIouForeground, p.Scores.FpAll, p.Scores.FnAll)).ToList(),
            OverThreshold = overThreshold,
            UnderThreshold = underThreshold,
            ValidPixels = counts.ValidPixels,
            Counts = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => new LabelCounts(counts.Predicted(p.i), counts.Truth(p.i), counts.TruePositive(p.i))),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize<EvaluationReport>(json, JsonOptions) ?? throw new JsonException("the report is null");

    /// <summary>Writes the JSON report atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public static EvaluationReport Read(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataFileException(path, $"not an evaluation report: {e.Message}", e);
        }
    }

    /// <summary>A per-class table with the summary and the sweep, for the console.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"{PredictDir} vs {GtDir}: {Mode}, {Images} images");
        if (EveryEighth) sb.Append(c, $" (every 8th of {ListedImages})");
        sb.AppendLine();
        sb.AppendLine(c, $"{"class",-12} {"IoU",7} {"prec.",7} {"recall",7}");
        foreach (var name in VocClasses.LabelNames)
        {
            // Absent labels still count (as 0) in the mIoU; flag them so a low mean is not misread.
            var absent = Counts[name] is { Predicted: 0, Truth: 0 } ? "  (absent)" : "";
            sb.AppendLine(c, $"{name,-12} {PerClass[name],7:F2} {Precision[name],7:F2} {Recall[name],7:F2}{absent}");
        }
        sb.Append(c, $"mIoU={Miou:F3}%, foreground mIoU={MiouForeground:F3}%, FP={FpAll:F4}, FN={FnAll:F4}");
        if (Threshold is { } th) sb.Append(c, $", Th={th:F2}");
        sb.AppendLine();
        if (Sweep is not null)
        {
            sb.AppendLine("threshold sweep:");
            foreach (var row in Sweep)
                sb.AppendLine(c, $"  Th={row.Threshold:F2}, mIoU={row.Miou:F3}%, FP={row.FpAll:F4}, FN={row.FnAll:F4}");
            if (Threshold is { } best) sb.Append(c, $"  Best Th={best:F2}");
            if (OverThreshold is { } over && UnderThreshold is { } under) sb.Append(c, $", Over Th={over:F2}, Under Th={under:F2}");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
