using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PuzzleCam.Affinity;
using PuzzleCam.Classification;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Evaluation;
using PuzzleCam.Segmentation;

namespace PuzzleCam.Pipeline;

/// <summary>One classifier's way through stages 1 and 2 and its CAM score.</summary>
public sealed record ClassifierRun(string Name, TrainingResult? Training, CamInferenceResult? Cams, EvaluationReport? CamScore);

/// <summary>Stages 3-6 on the Puzzle-CAM CAMs: what each wrote, and the scores of the random walk and the pseudo labels.</summary>
public sealed record RefinementRun(PerImageResult? AffinityLabels = null, TrainingResult? AffinityNet = null, PerImageResult? RandomWalk = null,
    EvaluationReport? RandomWalkScore = null, PerImageResult? PseudoLabels = null, EvaluationReport? PseudoLabelScore = null);

/// <summary>
/// The validation-split comparison: the Puzzle-CAM CAMs, DeepLabv3+ trained on the pseudo labels, and its predictions
/// without and with the CRF, each with its score.
/// </summary>
public sealed record SegmentationRun(EvaluationReport? CamScore = null, TrainingResult? Training = null, SegmentationInferenceResult? Predictions = null,
    EvaluationReport? PredictionScore = null, SegmentationInferenceResult? CrfPredictions = null, EvaluationReport? CrfPredictionScore = null, string? ResultsFigure = null);

/// <summary>One row of the pipeline's table: a stage's output scored on a split.</summary>
public sealed record PipelineRow(string Stage, string Split, double Miou);

/// <summary>What one run of the driver produced, stage by stage (null where a stage did not run).</summary>
public sealed record ReproduceResult(SyntheticSummary? Dataset, VocScanReport? Train, VocScanReport? Eval, ClassifierRun? Baseline, ClassifierRun? Puzzle,
    RefinementRun? Refinement = null, SegmentationRun? Segmentation = null)
{
    /// <summary>
    /// The paper's table in miniature: the mIoU of each stage that was scored, in pipeline order; the CAMs, random walk
    /// and pseudo labels on <paramref name="trainSplit"/>, the CAMs again and DeepLabv3+ on <paramref name="valSplit"/>.
    /// </summary>
    public IReadOnlyList<PipelineRow> Rows(string trainSplit, string valSplit)
    {
        var rows = new List<PipelineRow>();
        void Add(string stage, string split, EvaluationReport? report)
        {
            if (report is not null) rows.Add(new PipelineRow(stage, split, Math.Round(report.Miou, 2)));
        }
        Add("baseline_cam", trainSplit, Baseline?.CamScore);
        Add("cam", trainSplit, Puzzle?.CamScore);
        Add("rw", trainSplit, Refinement?.RandomWalkScore);
        Add("pseudo_labels", trainSplit, Refinement?.PseudoLabelScore);
        Add("cam", valSplit, Segmentation?.CamScore);
        Add("deeplab", valSplit, Segmentation?.PredictionScore);
        Add("deeplab_crf", valSplit, Segmentation?.CrfPredictionScore);
        return rows;
    }

    /// <summary>
    /// The mIoU the paper reports for a row with the README's settings (ResNeSt-101 on VOC 2012), or null where it
    /// reports none: CAM 61.9, random walk 71.9 and CRF 72.5 on train; DeepLabv3+ with the CRF 66.9 on val.
    /// </summary>
    public static double? PaperMiou(PipelineRow row) => (row.Stage, row.Split) switch
    {
        ("cam", "train") => 61.9,
        ("rw", "train") => 71.9,
        ("pseudo_labels", "train") => 72.5,
        ("deeplab_crf", "val") => 66.9,
        _ => null,
    };

    /// <summary>The rows as a text table; with <paramref name="withPaper"/> the paper's ResNeSt-101 numbers beside them.</summary>
    public static string Table(IReadOnlyList<PipelineRow> rows, bool withPaper = false)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"{"stage",-21} {"split",-8} {"mIoU (%)",9}");
        sb.AppendLine(withPaper ? $" {"paper (ResNeSt-101)",20}" : "");
        foreach (var row in rows)
        {
            sb.Append(c, $"{Describe(row.Stage),-21} {row.Split,-8} {row.Miou,9:F2}");
            sb.AppendLine(!withPaper ? "" : PaperMiou(row) is { } paper ? string.Create(c, $" {paper,20:F1}") : $" {"-",20}");
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes <c>{"rows": [{"stage", "split", "miou"}, ...], "seconds": s}</c> atomically.</summary>
    public static void WriteRows(string path, IReadOnlyList<PipelineRow> rows, double seconds) =>
        TableFile.Write(path, rows.Select(r => new JsonObject { ["stage"] = r.Stage, ["split"] = r.Split, ["miou"] = r.Miou }), seconds);

    /// <summary>The rows of a file <see cref="WriteRows"/> wrote, or null when there is none or it cannot be read.</summary>
    public static IReadOnlyList<PipelineRow>? ReadRows(string path) => TableFile.Read(path, r =>
        r["stage"]?.GetValue<string>() is { } stage && r["split"]?.GetValue<string>() is { } split && r["miou"]?.GetValue<double>() is { } miou
            ? new PipelineRow(stage, split, miou) : null);

    /// <summary>The table's name of a row's stage.</summary>
    public static string Describe(string stage) => stage switch
    {
        "baseline_cam" => "baseline CAM",
        "cam" => "Puzzle-CAM CAM",
        "rw" => "+ random walk",
        "pseudo_labels" => "+ CRF (pseudo labels)",
        "deeplab" => "DeepLabv3+",
        "deeplab_crf" => "DeepLabv3+ + CRF",
        _ => stage,
    };

    /// <summary>The CAM mIoU of the baseline and of Puzzle-CAM side by side, per class and overall.</summary>
    public string CamComparison()
    {
        if (Baseline?.CamScore is not { } b || Puzzle?.CamScore is not { } p) return "";
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{"CAM IoU (%)",-14} {"baseline",9} {"Puzzle-CAM",11}");
        foreach (var name in VocClasses.LabelNames)
            sb.AppendLine(c, $"{name,-14} {b.PerClass[name],9:F2} {p.PerClass[name],11:F2}");
        sb.AppendLine(c, $"{"mIoU",-14} {b.Miou,9:F2} {p.Miou,11:F2}");
        sb.Append(c, $"{"threshold",-14} {b.Threshold,9:F2} {p.Threshold,11:F2}");
        return sb.ToString();
    }
}
