using System.Text.Json;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Pipeline;

/// <summary>Where the driver reports: stage headings, messages, and a progress sink for long loops.</summary>
public interface IPipelineReporter
{
    void Stage(string name);
    void Info(string message);
    IProgress<int> Progress(string label, int total);
}

/// <summary>What one run of the driver produced, stage by stage (null where a stage did not run).</summary>
public sealed record ReproduceResult(SyntheticSummary? Dataset, VocScanReport? Train, VocScanReport? Eval);

/// <summary>
/// The whole reproduction as one driver: each stage is a runner with typed options and result, and this chains them,
/// each behind its switch in <see cref="ReproduceOptions.Stages"/>, resuming from what earlier runs left on disk.
/// </summary>
public static class Reproduction
{
    /// <summary>The record of the options a synthetic dataset was made with; written last, so its presence means complete.</summary>
    public const string SyntheticManifest = "puzzlecam-synthetic.json";

    public static ReproduceResult Run(ReproduceOptions options, IPipelineReporter reporter, CancellationToken cancel = default)
    {
        SyntheticSummary? dataset = null;
        VocScanReport? train = null, eval = null;
        if (options.Stages.HasFlag(PipelineStages.Data))
        {
            reporter.Stage("data");
            if (options.Synthetic is { } synthetic) dataset = EnsureSynthetic(options.DataDir, synthetic, reporter, cancel);
            train = Scan(options, options.TrainDomain, reporter, cancel);
            eval = Scan(options, options.EvalDomain, reporter, cancel);
        }
        return new ReproduceResult(dataset, train, eval);
    }

    /// <summary>Generates the dataset unless a complete one made with the same options is already there.</summary>
    public static SyntheticSummary? EnsureSynthetic(string dataDir, SyntheticOptions options, IPipelineReporter reporter, CancellationToken cancel)
    {
        var manifest = Path.Combine(dataDir, SyntheticManifest);
        if (File.Exists(manifest) && JsonSerializer.Deserialize<SyntheticOptions>(File.ReadAllText(manifest)) == options)
        {
            reporter.Info($"synthetic dataset in {Path.GetFullPath(dataDir)} is complete (seed {options.Seed}, {options.Train}+{options.Val} images of {options.Size} px); reusing it");
            return null;
        }
        if (File.Exists(manifest))
            reporter.Info($"{manifest} records other options; regenerating the dataset");
        if (File.Exists(manifest)) File.Delete(manifest);
        var summary = SyntheticVocDataset.Generate(dataDir, options, reporter.Progress("make-synthetic", options.Train + options.Val), cancel);
        AtomicFile.WriteAllText(manifest, JsonSerializer.Serialize(options));
        reporter.Info(summary.ToString());
        return summary;
    }

    private static VocScanReport Scan(ReproduceOptions options, string domain, IPipelineReporter reporter, CancellationToken cancel)
    {
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(domain));
        var report = dataset.Scan(options.SkipBad, reporter.Progress($"check {domain}", dataset.Count), cancel);
        reporter.Info($"{domain}: {report}");
        return report;
    }
}
