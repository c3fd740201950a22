using System.Diagnostics;
using System.Text.Json;
using PuzzleCam.Data;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Runtime;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Segmentation;

/// <summary>What a segmentation training run left: the kept model and the score that chose it (-1 with no evaluation).</summary>
public sealed record SegmentationTrainingResult(string Tag, string ModelPath, CheckpointSelection Selection, double BestMiou, long Iterations, TimeSpan Elapsed);

/// <summary>
/// Stage 7: trains DeepLabv3+ on a folder of label PNGs (the pseudo labels) with the reference's augmentation
/// (random long side, flip, normalise, random crop padded with 0 / 255), cross-entropy that ignores 255, and the four
/// learning-rate groups under the poly schedule; keeps the model as <see cref="SegmentationTrainingOptions.Selection"/>
/// says, and can be interrupted and resumed exactly where it stopped (weights, optimizer state and iteration are saved
/// after every evaluation and on cancellation; the augmentation and the dropout masks of iteration n do not depend on
/// what ran before it).
/// </summary>
public static class SegmentationTrainer
{
    private sealed record Sample(ChwImage Image, LabelMap Mask);

    private sealed record Batch(Tensor Images, Tensor Masks, long ValidPixels);

    public static SegmentationTrainingResult Run(SegmentationTrainingOptions options, IProgress<TrainingRecord>? progress = null,
        Action<string>? echo = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var devices = Devices.Parse(options.Gpus);
        var all = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var labels = new LabelFolder(options.LabelFolder, options.LabelFlag);
        var (train, validation, scoredOn) = Split(options, all, labels);
        all.CheckReadable(cancel);
        labels.Check(all, cancel);
        validation?.Dataset.CheckReadable(cancel);
        if (options.Selection == CheckpointSelection.ValGt)
            new LabelFolder(Path.Combine(validation!.Dataset.Root, "SegmentationClass"), $"ground truth of --eval_domain {options.EvalDomain}").Check(validation.Dataset, cancel);

        long itersPerEpoch = train.Count / options.BatchSize;
        if (itersPerEpoch == 0)
            throw new BadInputException($"--batch_size {options.BatchSize} is larger than the {train.Count} training images of {options.Domain}");
        long maxIteration = options.MaxEpoch * itersPerEpoch;
        long stopIteration = Math.Min(maxIteration, options.MaxIterations ?? maxIteration);
        long logEvery = Math.Max(1, (long)(itersPerEpoch * options.PrintRatio));
        long evalEvery = options.EvalEvery ?? itersPerEpoch;

        using var run = new TrainingRun(options.Layout, options.Tag, Fingerprint(options));
        long start = run.StartIteration;

        manual_seed(options.Seed);
        using var parallel = new DataParallel<DeepLabV3Plus>(() => CreateModel(options), devices);
        var model = parallel.Master;
        using var optimizer = new PolyOptimizer(ParameterGroups.Of(model).WithReferenceRates(options.LearningRate, options.WeightDecay),
            options.WeightDecay, maxIteration, options.Momentum, options.Nesterov);
        if (run.IsResumed)
        {
            run.Restore(model, optimizer);
            parallel.Broadcast();
        }

        var log = run.OpenLog(echo);
        var head = options.UseGroupNorm ? "GN" : "BN";
        log.Line(!run.IsResumed
            ? $"[i] {options.Tag}: DeepLabv3+ {options.Backbone} ({Normalization.ModeName(options.Mode)}, {head} head) on {train.Count} images with labels from {labels.Folder}, {maxIteration} iterations on {string.Join(", ", devices)}; model kept by {scoredOn}"
            : $"[i] {options.Tag}: resuming at iteration {start} of {maxIteration} (best mIoU {run.BestMiou:F2})");

        var pipeline = TransformPipeline.ForSegmentationTraining(AugmentationOptions.Segmentation with
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
        });
        var loader = new BatchLoader<Sample, Batch>(train.Count, (i, rng) =>
        {
            var id = train.Ids[i];
            var t = pipeline.Apply(train.ReadImage(id), labels.Read(id), rng);
            return new Sample(t.Image, t.Mask!);
        }, Collate, new BatchLoaderOptions { BatchSize = options.BatchSize, Workers = options.NumWorkers, Seed = (ulong)options.Seed, Shuffle = true, DropLast = true });

        var averages = new TermAverages(["loss"]);
        model.train();
        for (int r = 1; r < devices.Count; r++) parallel.Replica(r).train();
        long iteration = start;
        using (var batches = loader.Endless(start, cancel).GetEnumerator())
        {
            while (iteration < stopIteration)
            {
                run.StopIfCancelled(log, model, optimizer, iteration, cancel);
                using (var scope = NewDisposeScope())
                {
                    run.SavingOnCancel(batches.MoveNext, log, model, optimizer, iteration, cancel);
                    // The head's dropout draws from torch's generator; seeding it per iteration makes the masks of
                    // iteration n independent of what ran before, so a resumed run continues exactly.
                    manual_seed(IterationSeed(options.Seed, iteration));
                    double loss = Step(parallel, optimizer, batches.Current);
                    if (!double.IsFinite(loss))
                        throw new BadInputException($"training diverged at iteration {iteration + 1}: the loss is {loss}; lower --lr (now {options.LearningRate}) or check the labels");
                    averages.Add([loss]);
                }
                iteration++;
                NativeAllocator.Release();

                if (iteration % logEvery == 0 || iteration == stopIteration)
                {
                    var values = new Dictionary<string, double> { ["iteration"] = iteration, ["learning_rate"] = optimizer.LearningRate };
                    averages.Flush(values);
                    values["time"] = clock.Elapsed.TotalSeconds;
                    log.Record("train", values, progress);
                }

                if (iteration % evalEvery == 0 || iteration == stopIteration)
                {
                    if (validation is null)
                    {
                        run.SaveModel(model);
                    }
                    else
                    {
                        var scores = validation.Evaluate(model, devices[0], cancel);
                        run.OfferBest(scores.MeanIou, 0, model);
                        var values = new Dictionary<string, double>
                        {
                            ["iteration"] = iteration, ["mIoU"] = scores.MeanIou, ["best_valid_mIoU"] = run.BestMiou, ["time"] = clock.Elapsed.TotalSeconds,
                        };
                        log.Record("validation", values, progress);
                    }
                    run.Save(model, optimizer, iteration);
                }
            }
        }
        return new SegmentationTrainingResult(options.Tag, run.ModelPath, options.Selection, run.BestMiou, iteration, clock.Elapsed);
    }

    /// <summary>
    /// DeepLabv3+ as the options build it: its backbone starts from the classifier of <c>--backbone_from</c>, or from
    /// ImageNet weights when the backbone or <c>--pretrained</c> provides them.
    /// </summary>
    public static DeepLabV3Plus CreateModel(SegmentationTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = DeepLabV3Plus.Create(options.Backbone, options.Mode, options.UseGroupNorm);
        if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(model.Backbone, options.Pretrained);
        if (options.BackboneFrom is not null) CheckpointLoader.LoadBackboneOf(model.Backbone, options.BackboneFrom);
        return model;
    }

    /// <summary>The ids trained on and the validation that keeps the model (null with no selection), and what it scores.</summary>
    private static (VocDataset Train, SegmentationValidation? Validation, string ScoredOn) Split(SegmentationTrainingOptions options, VocDataset all, LabelFolder labels)
    {
        switch (options.Selection)
        {
            case CheckpointSelection.None:
                return (all, null, "the last epoch");
            case CheckpointSelection.PseudoHoldout:
            {
                var held = all.Ids.Where((_, i) => i % SegmentationTrainingOptions.HoldoutEvery == 0).ToList();
                var kept = all.Ids.Where((_, i) => i % SegmentationTrainingOptions.HoldoutEvery != 0).ToList();
                if (kept.Count == 0)
                    throw new BadInputException($"--selection pseudo_holdout holds out every {SegmentationTrainingOptions.HoldoutEvery}th image, which leaves none of the {all.Count} images of {options.Domain} to train on");
                var validation = new SegmentationValidation(all.WithIds(held), labels.Read, options.ImageSize, options.BatchSize);
                return (all.WithIds(kept), validation, $"the mIoU against the labels of {held.Count} held-out training images");
            }
            default:
            {
                var evaluation = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.EvalDomain));
                var validation = new SegmentationValidation(evaluation, id => evaluation.ReadMask(id)
                    ?? throw new InvalidDataFileException(evaluation.MaskPath(id), "the evaluation split needs a ground-truth mask for every image"),
                    options.ImageSize, options.BatchSize);
                return (all, validation, $"the mIoU on the ground truth of {options.EvalDomain}");
            }
        }
    }

    private static Batch Collate(IReadOnlyList<Sample> samples)
    {
        long valid = 0;
        foreach (var s in samples)
            foreach (var v in s.Mask.Labels)
                if (v != VocClasses.Ignore) valid++;
        return new Batch(TensorCollate.Images(samples.Select(s => s.Image).ToList()), TensorCollate.Masks(samples.Select(s => s.Mask).ToList()), valid);
    }

    /// <summary>
    /// One data-parallel step. Each replica sums the cross-entropy over its valid pixels and divides by the valid
    /// pixels of the whole batch, so the summed gradients are those of the mean over the batch, exactly what the
    /// reference computes on the gathered logits.
    /// </summary>
    private static double Step(DataParallel<DeepLabV3Plus> parallel, PolyOptimizer optimizer, Batch batch)
    {
        optimizer.ZeroGrad();
        var xs = parallel.Scatter(batch.Images);
        var ys = parallel.Scatter(batch.Masks);
        double total = Math.Max(1, batch.ValidPixels);
        var report = parallel.ForwardBackward(xs.Count, r =>
        {
            var logits = parallel.Replica(r).forward(xs[r]);
            using var divisor = total.ToScalar();
            var loss = nn.functional.cross_entropy(logits, ys[r], ignore_index: VocClasses.Ignore, reduction: nn.Reduction.Sum).div(divisor);
            return (loss, [loss.item<float>()]);
        });
        optimizer.Step();
        parallel.Broadcast();
        return report[0];
    }

    /// <summary>The generator seed of one iteration: the run's seed and the iteration, mixed (SplitMix64's finaliser).</summary>
    private static long IterationSeed(int seed, long iteration)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)iteration) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }

    /// <summary>The options that decide the run's numbers; a resume with other options would mix two runs, so it is refused.</summary>
    /// <summary>The options that decide the run's numbers, with paths relative to the experiments folder so that a moved one resumes.</summary>
    private static string Fingerprint(SegmentationTrainingOptions o) => JsonSerializer.Serialize(o with
    {
        MaxIterations = null, NumWorkers = 0, Gpus = null,
        DataDir = o.Layout.Portable(o.DataDir), ExperimentsDir = ".", Pretrained = o.Pretrained is null ? null : o.Layout.Portable(o.Pretrained),
        BackboneFrom = o.BackboneFrom is null ? null : o.Layout.Portable(o.BackboneFrom), LabelDir = o.LabelDir is null ? null : o.Layout.Portable(o.LabelDir),
    });
}
