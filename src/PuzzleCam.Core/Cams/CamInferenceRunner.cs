using System.Diagnostics;
using System.Globalization;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Runtime;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Cams;

/// <summary>What a CAM inference run did.</summary>
/// <param name="ExperimentName">The reference's name of the run (the folder's name).</param>
/// <param name="PredictionDir">The folder of the CAM files.</param>
/// <param name="Device">Where the classifier ran.</param>
/// <param name="Images">Ids in the split.</param>
/// <param name="Written">CAM files computed by this run.</param>
/// <param name="Skipped">Ids whose file was already there (a resumed run).</param>
/// <param name="Elapsed">Wall time of the run, loading included.</param>
public sealed record CamInferenceResult(string ExperimentName, string PredictionDir, string Device, int Images, int Written, int Skipped, TimeSpan Elapsed)
{
    /// <summary>
    /// The command that scores the folder. As the reference's hint, train_aug becomes train: only train has masks.
    /// </summary>
    public required string EvaluateCommand { get; init; }

    public override string ToString()
    {
        var rate = Written > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Elapsed.TotalSeconds / Written:F3} s/image") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{PredictionDir}: {Written} CAMs written, {Skipped} already there, of {Images} images; {Elapsed.TotalSeconds:F1} s on {Device}{rate}")
            + Environment.NewLine + "evaluate with: " + EvaluateCommand;
    }
}

/// <summary>
/// Stage 2 over a split (<c>inference_classification.py</c>): loads the stage-1 classifier and writes one
/// <see cref="CamFile"/> per image to <c>{experiments}/predictions/{experiment name}/{id}.npz</c>. Ids whose file exists
/// are skipped, so an interrupted run resumes; the folder's <c>options.json</c> makes a run with other weights, backbone,
/// mode, scales or data refuse instead of mixing its CAMs with the old ones. Images run one at a time on the model's
/// device while a worker thread decodes, resizes and normalises the next one.
/// </summary>
public static class CamInferenceRunner
{
    /// <summary>The name the folder's <c>options.json</c> gives this stage.</summary>
    public const string StageName = "inference-classification";

    /// <summary>Runs the stage; <paramref name="progress"/> receives the number of ids done (skipped ones included).</summary>
    public static CamInferenceResult Run(CamInferenceOptions options, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        long start = Stopwatch.GetTimestamp();
        var checkpoint = options.CheckpointPath;
        if (!File.Exists(checkpoint))
            throw new FileNotFoundException($"{checkpoint}: classifier checkpoint not found (train it with --tag {options.Tag}, or give --checkpoint)", checkpoint);
        var dataset = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var folder = options.PredictionDir;
        TorchRuntime.EnsureLoaded();
        var device = DataParallel<Classifier>.ParseDevices(options.Gpus)[0];

        var provenance = OutputProvenance.Claim(folder, "*.npz", StageName, ShapingSettings(options, dataset),
            new Dictionary<string, string> { ["checkpoint"] = checkpoint },
            new Dictionary<string, string>
            {
                ["domain"] = options.Domain,
                ["device"] = device.ToString(),
                ["started_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            });
        // A run killed in the middle of a write leaves its temporary file; nothing else would ever remove it.
        AtomicFile.RemoveStaleTemporaries(folder);
        var pending = dataset.Ids.Where(id => !File.Exists(OutputPath(folder, id))).ToList();
        int skipped = dataset.Count - pending.Count;
        progress?.Report(skipped);
        var result = new CamInferenceResult(options.ExperimentName, folder, device.ToString(), dataset.Count, pending.Count, skipped, TimeSpan.Zero)
        {
            EvaluateCommand = EvaluateCommand(options),
        };
        if (pending.Count == 0) return result with { Elapsed = Stopwatch.GetElapsedTime(start) };

        using var model = Classifier.Create(options.Architecture, options.Mode);
        model.LoadCheckpoint(checkpoint);
        model.to(device);
        // Recorded only now: a checkpoint that does not load must not pin the folder to options that never produced anything.
        provenance.Write(folder);
        var cams = new MultiScaleCam(model, device, options.Scales);
        Prefetched Prepare(string id) => new(id, dataset.ReadTags(id), cams.Prepare(dataset.ReadImage(id)));

        Task<Prefetched>? next = Task.Run(() => Prepare(pending[0]), cancel);
        try
        {
            for (int i = 0; i < pending.Count; i++)
            {
                var current = next!.GetAwaiter().GetResult();
                cancel.ThrowIfCancellationRequested();
                int following = i + 1;
                next = following < pending.Count ? Task.Run(() => Prepare(pending[following]), cancel) : null;
                Runtime.NativeAllocator.Release();
                using var scope = NewDisposeScope();
                cams.Compute(current.Inputs, current.Tags).Write(OutputPath(folder, current.Id));
                progress?.Report(skipped + i + 1);
            }
        }
        finally
        {
            // A failed or cancelled run leaves no worker reading files behind it.
            if (next is not null)
            {
                Task.WaitAny(next);
                _ = next.Exception;
            }
        }
        return result with { Elapsed = Stopwatch.GetElapsedTime(start) };
    }

    /// <summary>The file of one id in a prediction folder.</summary>
    public static string OutputPath(string predictionDir, string id) => Path.Combine(predictionDir, id + ".npz");

    /// <summary>
    /// What every CAM of the folder depends on besides the checkpoint's contents. The split is not among them: an id's
    /// CAM is the same whichever list named it, and train and train_aug share a folder name.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ShapingSettings(CamInferenceOptions options, VocDataset dataset) => new Dictionary<string, string>
    {
        ["architecture"] = options.Architecture,
        ["mode"] = options.Mode == NormMode.Fix ? "fix" : "normal",
        ["scales"] = options.ScalesText,
        ["data_dir"] = Path.TrimEndingDirectorySeparator(dataset.Root),
    };

    private static string EvaluateCommand(CamInferenceOptions options)
    {
        var domain = options.Domain == "train_aug" ? "train" : options.Domain;
        return $"puzzlecam evaluate --experiment_name \"{options.ExperimentName}\" --domain {domain} --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"";
    }

    private sealed record Prefetched(string Id, float[] Tags, CamInputs Inputs);
}
