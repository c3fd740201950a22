using System.Globalization;
using System.Text;
using PuzzleCam.Cams;
using PuzzleCam.Classification;
using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Evaluation;

namespace PuzzleCam.Pipeline;

/// <summary>One classifier's way through stages 1 and 2 and its CAM score.</summary>
public sealed record ClassifierRun(string Name, ClassifierTrainingResult? Training, CamInferenceResult? Cams, EvaluationReport? CamScore);

/// <summary>What one run of the driver produced, stage by stage (null where a stage did not run).</summary>
public sealed record ReproduceResult(SyntheticSummary? Dataset, VocScanReport? Train, VocScanReport? Eval, ClassifierRun? Baseline, ClassifierRun? Puzzle)
{
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
