using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PuzzleCam.Pipeline;

/// <summary>One cell of the loss ablation's table: the CAM mIoU (%) of a setting's classifier trained with a seed.</summary>
public sealed record AblationRow(string Setting, int Seed, double Miou);

/// <summary>What one run of the loss ablation produced: a row per setting and seed, and each classifier's way through stages 1-2.</summary>
public sealed record AblationResult(IReadOnlyList<AblationRow> Rows, IReadOnlyList<ClassifierRun> Runs)
{
    /// <summary>
    /// The CAM mIoU the paper's Table 1 reports for a setting (ResNet-50 on VOC 2012 train), or null for the variants
    /// it does not report: 47.82 for cls, 47.70 for cls+pcl, 49.21 for cls+re, 51.53 for cls+pcl+re.
    /// </summary>
    public static double? PaperMiou(string setting) => setting switch
    {
        "cls" => 47.82,
        "cls+pcl" => 47.70,
        "cls+re" => 49.21,
        "cls+pcl+re" => 51.53,
        _ => null,
    };

    /// <summary>The rows as a text table: a line per setting, a column per seed, their mean, and the paper's ResNet-50 value.</summary>
    public static string Table(IReadOnlyList<AblationRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var settings = rows.Select(r => r.Setting).Distinct().ToList();
        var seeds = rows.Select(r => r.Seed).Distinct().ToList();
        int width = Math.Max("setting".Length, settings.Count == 0 ? 0 : settings.Max(s => s.Length));
        var sb = new StringBuilder();
        sb.Append("setting".PadRight(width));
        foreach (var seed in seeds) sb.Append(c, $" {"seed " + seed.ToString(c),8}");
        sb.AppendLine(c, $" {"mean",8} {"paper (ResNet-50)",18}");
        foreach (var setting in settings)
        {
            sb.Append(setting.PadRight(width));
            var values = new List<double>();
            foreach (var seed in seeds)
            {
                if (rows.FirstOrDefault(r => r.Setting == setting && r.Seed == seed) is { } row)
                {
                    values.Add(row.Miou);
                    sb.Append(c, $" {row.Miou,8:F2}");
                }
                else
                {
                    sb.Append(c, $" {"-",8}");
                }
            }
            sb.Append(c, $" {values.Average(),8:F2}");
            sb.AppendLine(PaperMiou(setting) is { } paper ? string.Create(c, $" {paper,18:F2}") : $" {"-",18}");
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes <c>{"rows": [{"setting", "seed", "miou"}, ...], "seconds": s}</c> atomically.</summary>
    public static void WriteRows(string path, IReadOnlyList<AblationRow> rows, double seconds) =>
        TableFile.Write(path, rows.Select(r => new JsonObject { ["setting"] = r.Setting, ["seed"] = r.Seed, ["miou"] = r.Miou }), seconds);

    /// <summary>The rows of a file <see cref="WriteRows"/> wrote, or null when there is none or it cannot be read.</summary>
    public static IReadOnlyList<AblationRow>? ReadRows(string path) => TableFile.Read(path, r =>
        r["setting"]?.GetValue<string>() is { } setting && r["seed"]?.GetValue<int>() is { } seed && r["miou"]?.GetValue<double>() is { } miou
            ? new AblationRow(setting, seed, miou) : null);
}
