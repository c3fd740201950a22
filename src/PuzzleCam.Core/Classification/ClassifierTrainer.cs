using System.Diagnostics;
using System.Text.Json;
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

namespace PuzzleCam.Classification;

/// <summary>What a classifier training run left: the selected model and its score.</summary>
public sealed record ClassifierTrainingResult(string Tag, string ModelPath, double BestMiou, double BestThreshold, long Iterations, TimeSpan Elapsed);

/// <summary>
/// Stage 1: trains the classifier on image-level tags, with the puzzle module or as the baseline, keeps the
/// checkpoint with the best in-training CAM mIoU, and can be interrupted and resumed exactly where it stopped
/// (weights, optimizer state and iteration are saved after every evaluation and on cancellation; the augmentation of
/// iteration n does not depend on what ran before it).
/// </summary>
public static class ClassifierTrainer
{
    private sealed record Sample(ChwImage Image, float[] Tags);

    private static readonly string[] TermNames = ["loss", "class_loss", "p_class_loss", "re_loss", "conf_loss"];

    public static ClassifierTrainingResult Run(ClassifierTrainingOptions options, IProgress<TrainingRecord>? progress = null,
        Action<string>? echo = null, CancellationToken cancel = default)
    {
        options.Validate();
        Runtime.TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var devices = Devices.Parse(options.Gpus);
        var train = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        var evaluation = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.EvalDomain));
        train.CheckReadable(cancel);
        evaluation.CheckReadable(cancel);
        long itersPerEpoch = train.Count / options.BatchSize;
        if (itersPerEpoch == 0)
            throw new BadInputException($"--batch_size {options.BatchSize} is larger than the {train.Count} images of {options.Domain}");
        long maxIteration = options.MaxEpoch * itersPerEpoch;
        long stopIteration = Math.Min(maxIteration, options.MaxIterations ?? maxIteration);
        long logEvery = Math.Max(1, (long)(itersPerEpoch * options.PrintRatio));
        long evalEvery = options.EvalEvery ?? itersPerEpoch;

        using var run = new TrainingRun(options.Layout, options.Tag, Fingerprint(options));
        long start = run.StartIteration;

        torch.manual_seed(options.Seed);
        using var parallel = new DataParallel<Classifier>(() => CreateModel(options), devices);
        var model = parallel.Master;
        var groups = ParameterGroups.Of(model);
        using var optimizer = new PolyOptimizer(groups.WithReferenceRates(options.LearningRate, options.WeightDecay), options.WeightDecay,
            maxIteration, options.Momentum, options.Nesterov);
        if (run.IsResumed)
        {
            run.Restore(model, optimizer);
            parallel.Broadcast();
        }

        var log = run.OpenLog(echo);
        log.Line(!run.IsResumed
            ? $"[i] {options.Tag}: {(options.Puzzle ? "Puzzle-CAM" : "baseline")} {options.Architecture} ({options.Mode}){(options.Augment.Length > 0 ? $", augment {options.Augment}" : "")}, {train.Count} images, {maxIteration} iterations on {string.Join(", ", devices)}"
            : $"[i] {options.Tag}: resuming at iteration {start} of {maxIteration} (best mIoU {run.BestMiou:F2})");

        var pipeline = TransformPipeline.ForClassificationTraining(new AugmentationOptions
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
            Augment = options.Augment,
        });
        var loader = new BatchLoader<Sample, (Tensor Images, Tensor Labels)>(train.Count, (i, rng) =>
        {
            var id = train.Ids[i];
            return new Sample(pipeline.Apply(train.ReadImage(id), null, rng).Image, train.ReadTags(id));
        }, batch => (TensorCollate.Images(batch.Select(s => s.Image).ToList()), TensorCollate.Rows(batch.Select(s => s.Tags).ToList())),
            new BatchLoaderOptions { BatchSize = options.BatchSize, Workers = options.NumWorkers, Seed = (ulong)options.Seed, Shuffle = true, DropLast = true });
        var validation = new CamValidation(evaluation, options.ImageSize, options.BatchSize);

        var averages = new TermAverages(TermNames);
        model.train();
        for (int r = 1; r < devices.Count; r++) parallel.Replica(r).train();
        long iteration = start;
        using (var batches = loader.Endless(start, cancel).GetEnumerator())
        {
            while (iteration < stopIteration)
            {
                run.StopIfCancelled(log, model, optimizer, iteration, cancel);
                double alpha = options.Losses.AlphaAt(iteration, maxIteration);
                using (var scope = NewDisposeScope())
                {
                    run.SavingOnCancel(batches.MoveNext, log, model, optimizer, iteration, cancel);
                    var (images, labels) = batches.Current;
                    var terms = Step(options, parallel, optimizer, images, labels, alpha);
                    if (!double.IsFinite(terms[0]))
                        throw new BadInputException($"training diverged at iteration {iteration + 1}: the loss is {terms[0]}; lower --lr (now {options.LearningRate}) or check the data");
                    averages.Add(terms);
                }
                iteration++;
                NativeAllocator.Release();

                if (iteration % logEvery == 0 || iteration == stopIteration)
                {
                    var values = new Dictionary<string, double> { ["iteration"] = iteration, ["learning_rate"] = optimizer.LearningRate, ["alpha"] = alpha };
                    averages.Flush(values);
                    values["time"] = clock.Elapsed.TotalSeconds;
                    log.Record("train", values, progress);
                }

                if (iteration % evalEvery == 0 || iteration == stopIteration)
                {
                    var score = validation.Evaluate(model, devices[0], cancel);
                    run.OfferBest(score.Miou, score.Threshold, model);
                    var values = new Dictionary<string, double>
                    {
                        ["iteration"] = iteration, ["threshold"] = score.Threshold, ["train_mIoU"] = score.Miou, ["best_train_mIoU"] = run.BestMiou,
                        ["time"] = clock.Elapsed.TotalSeconds,
                    };
                    log.Record("validation", values, progress);
                    run.Save(model, optimizer, iteration);
                }
            }
        }
        return new ClassifierTrainingResult(options.Tag, run.ModelPath, run.BestMiou, run.BestThreshold, iteration, clock.Elapsed);
    }

    /// <summary>One data-parallel step: forward and backward on every replica, gradients to replica 0, one update, weights back.</summary>
    private static double[] Step(ClassifierTrainingOptions options, DataParallel<Classifier> parallel, PolyOptimizer optimizer,
        Tensor images, Tensor labels, double alpha)
    {
        optimizer.ZeroGrad();
        var xs = parallel.Scatter(images);
        var ys = parallel.Scatter(labels);
        double batch = images.shape[0];
        var terms = parallel.ForwardBackward(xs.Count, r =>
        {
            var model = parallel.Replica(r);
            var x = xs[r];
            var y = ys[r];
            // Each replica's loss is a mean over its share of the batch; weighting by that share makes the sum of the
            // replicas' gradients the gradient of the mean over the whole batch.
            double share = x.shape[0] / batch;
            using var shareScalar = share.ToScalar();
            if (!options.Puzzle)
            {
                var loss = PuzzleStep.Baseline(model, x, y);
                double value = loss.item<float>() * share;
                return (loss * shareScalar, [value, value, 0, 0, 0]);
            }
            var t = PuzzleStep.Run(model, x, y, options.NumPieces, options.Losses, alpha).Terms;
            return (t.Total * shareScalar,
            [
                t.Total.item<float>() * share, t.ClassLoss.item<float>() * share, t.PuzzleClassLoss.item<float>() * share,
                t.ReconstructionLoss.item<float>() * share, t.ConfidenceLoss.item<float>() * share,
            ]);
        });
        optimizer.Step();
        parallel.Broadcast();
        return terms;
    }

    /// <summary>The classifier with ImageNet weights in its backbone when the architecture or <c>--pretrained</c> provides them.</summary>
    public static Classifier CreateModel(ClassifierTrainingOptions options)
    {
        var model = Classifier.Create(options.Architecture, options.Mode);
        if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(model.Backbone, options.Pretrained);
        return model;
    }

    /// <summary>The options that decide the run's numbers; a resume with other options would mix two runs, so it is refused.</summary>
    /// <summary>The options that decide the run's numbers, with paths relative to the experiments folder so that a moved one resumes.</summary>
    private static string Fingerprint(ClassifierTrainingOptions o) => JsonSerializer.Serialize(o with
    {
        MaxIterations = null, NumWorkers = 0, Gpus = null,
        DataDir = o.Layout.Portable(o.DataDir), ExperimentsDir = ".", Pretrained = o.Pretrained is null ? null : o.Layout.Portable(o.Pretrained),
    });
}
