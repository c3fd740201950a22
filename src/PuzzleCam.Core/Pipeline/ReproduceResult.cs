using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Pipeline;

/// <summary>One classifier's way through stages 1 and 2 and its CAM score.</summary>
public sealed record ClassifierRun(string Name, ClassifierTrainingResult? Training, CamInferenceResult? Cams, EvaluationReport? CamScore);

/// <summary>Stages 3-6 on the Puzzle-CAM CAMs: what each wrote, and the scores of the random walk and the pseudo labels.</summary>
public sealed record RefinementRun(PerImageResult? AffinityLabels, AffinityNetTrainingResult? AffinityNet, PerImageResult? RandomWalk,
    EvaluationReport? RandomWalkScore, PerImageResult? PseudoLabels, EvaluationReport? PseudoLabelScore);

/// <summary>One row of the pipeline's table: a stage's output scored on a split.</summary>
public sealed record PipelineRow(string Stage, string Split, double Miou);

/// <summary>What one run of the driver produced, stage by stage (null where a stage did not run).</summary>
public sealed record ReproduceResult(SyntheticSummary? Dataset, VocScanReport? Train, VocScanReport? Eval, ClassifierRun? Baseline, ClassifierRun? Puzzle,
    RefinementRun? Refinement = null)
{
    /// <summary>The paper's table in miniature: the mIoU of each stage that was scored, in pipeline order.</summary>
    public IReadOnlyList<PipelineRow> Rows(string split)
    {
        var rows = new List<PipelineRow>();
        void Add(string stage, EvaluationReport? report)
        {
            if (report is not null) rows.Add(new PipelineRow(stage, split, Math.Round(report.Miou, 2)));
        }
        Add("baseline_cam", Baseline?.CamScore);
        Add("cam", Puzzle?.CamScore);
        Add("rw", Refinement?.RandomWalkScore);
        Add("pseudo_labels", Refinement?.PseudoLabelScore);
        return rows;
    }

    /// <summary>The rows as a text table.</summary>
    public static string Table(IReadOnlyList<PipelineRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{"stage",-16} {"split",-8} {"mIoU (%)",9}");
        foreach (var row in rows) sb.AppendLine(c, $"{Describe(row.Stage),-16} {row.Split,-8} {row.Miou,9:F2}");
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes <c>{"rows": [{"stage", "split", "miou"}, ...]}</c> atomically.</summary>
    public static void WriteRows(string path, IReadOnlyList<PipelineRow> rows)
    {
        var json = new JsonObject
        {
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject { ["stage"] = r.Stage, ["split"] = r.Split, ["miou"] = r.Miou }).ToArray()),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string Describe(string stage) => stage switch
    {
        "baseline_cam" => "baseline CAM",
        "cam" => "Puzzle-CAM CAM",
        "rw" => "+ random walk",
        "pseudo_labels" => "+ CRF (pseudo)",
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
