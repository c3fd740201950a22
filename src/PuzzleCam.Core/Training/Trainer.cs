using System.Diagnostics;
using PuzzleCam.Data.Loading;

namespace PuzzleCam.Training;

/// <summary>
/// What a training run of any stage left: the kept model, its score and the background threshold that gave it (-1 and
/// 0 for a stage without validation), and where the run ended.
/// </summary>
public sealed record TrainingResult(string Tag, string ModelPath, double BestMiou, double BestThreshold, long Iterations, double LastLoss, TimeSpan Elapsed);

/// <summary>
/// The training loop of every stage, as the reference's scripts run it: <c>max_epoch</c> epochs of shuffled batches
/// (the last partial batch dropped), SGD under the poly schedule, the averaged loss terms logged every
/// <c>print_ratio</c> of an epoch, and after every epoch a validation that keeps the best model (or, with none, the
/// last weights). A run can be interrupted and resumed exactly where it stopped: weights, optimizer state and
/// iteration are saved at every evaluation point and on cancellation, and neither the batches nor the augmentation of
/// iteration n depend on what ran before it. At the last iteration only the model and a finished state are kept.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains the stage of <paramref name="options"/> (stage 1's classifier, stage 4's AffinityNet, stage 7's
    /// DeepLabv3+) as <see cref="Run{TModel, TSample, TBatch}"/> does, after its inputs are checked.
    /// </summary>
    public static TrainingResult Run(TrainingOptions options, IProgress<TrainingRecord>? progress = null, Action<string>? echo = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.OpenStage(cancel).Train(progress, echo, cancel);
    }

    /// <summary>
    /// Trains <paramref name="stage"/> to <c>max_epoch</c> epochs (or <c>max_iterations</c>), resuming the run of its
    /// tag when one was left. Every log entry also goes to <paramref name="progress"/> and every log line to
    /// <paramref name="echo"/>; a cancellation saves the state the model holds, then throws.
    /// </summary>
    public static TrainingResult Run<TModel, TSample, TBatch>(TrainingStage<TModel, TSample, TBatch> stage, IProgress<TrainingRecord>? progress = null,
        Action<string>? echo = null, CancellationToken cancel = default) where TModel : nn.Module, IReferenceCheckpoint
    {
        ArgumentNullException.ThrowIfNull(stage);
        var options = stage.Options;
        var clock = Stopwatch.StartNew();
        var devices = Devices.Parse(options.Gpus);
        long itersPerEpoch = stage.Count / options.BatchSize;
        if (itersPerEpoch == 0)
            throw new BadInputException($"--batch_size {options.BatchSize} is larger than the {stage.Count} training images of {options.Domain}");
        long maxIteration = options.MaxEpoch * itersPerEpoch;
        long stopIteration = Math.Min(maxIteration, options.MaxIterations ?? maxIteration);
        long logEvery = Math.Max(1, (long)(itersPerEpoch * options.PrintRatio));
        long evalEvery = stage.EvalEvery ?? itersPerEpoch;

        using var run = new TrainingRun(options.Layout, options.Tag, options.Fingerprint());
        long start = run.StartIteration;
        manual_seed(options.Seed);
        using var parallel = new DataParallel<TModel>(stage.CreateModel, devices);
        var model = parallel.Master;
        using var optimizer = new PolyOptimizer(stage.Groups(model), options.WeightDecay, maxIteration, options.Momentum, options.Nesterov);
        if (run.IsResumed)
        {
            run.Restore(model, optimizer);
            parallel.Broadcast();
        }

        var validation = stage.Validation;
        var log = run.OpenLog(echo);
        log.Line(!run.IsResumed
            ? $"[i] {options.Tag}: {stage.Describe($"{maxIteration} iterations on {string.Join(", ", devices)}")}"
            : $"[i] {options.Tag}: resuming at iteration {start} of {maxIteration}{(validation is null ? "" : $" (best mIoU {run.BestMiou:F2})")}");

        var loader = new BatchLoader<TSample, TBatch>(stage.Count, stage.Read, stage.Collate,
            new BatchLoaderOptions { BatchSize = options.BatchSize, Workers = options.NumWorkers, Seed = (ulong)options.Seed, Shuffle = true, DropLast = true });
        var averages = new TermAverages(stage.TermNames);
        for (int r = 0; r < devices.Count; r++) parallel.Replica(r).train();
        double last = run.LastLoss;
        long iteration = start;
        using (var batches = loader.Endless(start, cancel).GetEnumerator())
        {
            while (iteration < stopIteration)
            {
                run.StopIfCancelled(log, model, optimizer, iteration, last, cancel);
                using (NewDisposeScope())
                {
                    run.SavingOnCancel(batches.MoveNext, log, model, optimizer, iteration, last, cancel);
                    // Seeding torch's generator per iteration makes the draws of iteration n independent of what ran
                    // before, so a resumed run continues exactly.
                    if (stage.DrawsInForward) manual_seed(IterationSeed(options.Seed, iteration));
                    optimizer.ZeroGrad();
                    var terms = stage.ForwardBackward(parallel, batches.Current, iteration, maxIteration);
                    optimizer.Step();
                    parallel.Broadcast();
                    last = terms[0];
                    if (!double.IsFinite(last))
                        throw new BadInputException($"training diverged at iteration {iteration + 1}: the loss is {last}; lower --lr (now {options.LearningRate}) or check {stage.TrainedOn}");
                    averages.Add(terms);
                }
                iteration++;
                NativeAllocator.Release();

                if (iteration % logEvery == 0 || iteration == stopIteration)
                {
                    var values = new Dictionary<string, double> { ["iteration"] = iteration, ["learning_rate"] = optimizer.LearningRate };
                    foreach (var (name, value) in stage.Scheduled(iteration - 1, maxIteration)) values[name] = value;
                    averages.Flush(values);
                    values["time"] = clock.Elapsed.TotalSeconds;
                    log.Record("train", values, progress);
                }

                if (iteration % evalEvery == 0 || iteration == stopIteration)
                {
                    if (validation is null) run.SaveModel(model);
                    else Evaluate(run, log, validation, model, devices[0], iteration, clock, progress, cancel);
                    if (iteration == maxIteration) run.Finish(iteration, last);
                    else run.Save(model, optimizer, iteration, last);
                }
            }
        }
        // A run that finished before finished states were recorded still holds its resume weights, restored above: its
        // model is saved when it is missing (the last weights, for a stage without validation), then the run finishes.
        if (start == maxIteration && !run.IsFinished)
        {
            if (validation is null && !File.Exists(run.ModelPath)) run.SaveModel(model);
            if (File.Exists(run.ModelPath)) run.Finish(iteration, last);
        }
        return new TrainingResult(stage.Options.Tag, run.ModelPath, run.BestMiou, run.BestThreshold, iteration, last, clock.Elapsed);
    }

    /// <summary>Scores the model, keeps it when it beats the best so far, and logs the score.</summary>
    private static void Evaluate<TModel>(TrainingRun run, TrainingLog log, ITrainingValidation<TModel> validation, TModel model, Device device, long iteration,
        Stopwatch clock, IProgress<TrainingRecord>? progress, CancellationToken cancel) where TModel : IReferenceCheckpoint
    {
        var score = validation.Score(model, device, cancel);
        run.OfferBest(score.Miou, score.Threshold ?? 0, model);
        var values = new Dictionary<string, double> { ["iteration"] = iteration };
        if (score.Threshold is { } threshold) values["threshold"] = threshold;
        values[validation.ScoreName] = score.Miou;
        values[validation.BestName] = run.BestMiou;
        values["time"] = clock.Elapsed.TotalSeconds;
        log.Record("validation", values, progress);
    }

    /// <summary>The generator seed of one iteration: the run's seed and the iteration, mixed (SplitMix64's finaliser).</summary>
    private static long IterationSeed(int seed, long iteration)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)iteration) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }
}
