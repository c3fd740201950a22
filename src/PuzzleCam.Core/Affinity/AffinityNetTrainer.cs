using System.Diagnostics;
using System.Text.Json;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Transforms;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Runtime;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Affinity;

/// <summary>What a stage-4 run left.</summary>
public sealed record AffinityNetTrainingResult(string Tag, string ModelPath, long Iterations, double LastLoss, TimeSpan Elapsed);

/// <summary>
/// Trains stage 4 and saves <c>models/{tag}.pth</c> after every epoch and at the end, as the reference does (it has no
/// validation); interrupted runs resume exactly, as stage 1's do.
/// </summary>
public static class AffinityNetTrainer
{
    private static readonly string[] TermNames = ["loss", "bg_loss", "fg_loss", "neg_loss"];

    private sealed record Sample(ChwImage Image, AffinityPairKind[] Pairs);

    public static AffinityNetTrainingResult Run(AffinityNetTrainingOptions options, IProgress<TrainingRecord>? progress = null,
        Action<string>? echo = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var devices = Devices.Parse(options.Gpus);
        var device = devices[0];
        var train = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.Domain));
        StageInputs.RequireFolder(options.LabelDir, "--label_name", AffinityLabelRunner.StageName, train.Ids, ".png");
        train.CheckReadable(cancel);
        long itersPerEpoch = train.Count / options.BatchSize;
        if (itersPerEpoch == 0)
            throw new BadInputException($"--batch_size {options.BatchSize} is larger than the {train.Count} images of {options.Domain}");
        long maxIteration = options.MaxEpoch * itersPerEpoch;
        long stopIteration = Math.Min(maxIteration, options.MaxIterations ?? maxIteration);
        long logEvery = Math.Max(1, (long)(itersPerEpoch * options.PrintRatio));

        // The options that decide the run's numbers, with paths relative to the experiments folder so that a moved one resumes.
        using var run = new TrainingRun(options.Layout, options.Tag, JsonSerializer.Serialize(options with
        {
            MaxIterations = null, NumWorkers = 0, Gpus = null,
            DataDir = options.Layout.Portable(options.DataDir), ExperimentsDir = ".",
            Pretrained = options.Pretrained is null ? null : options.Layout.Portable(options.Pretrained),
            PredDir = options.PredDir is null ? null : options.Layout.Portable(options.PredDir),
        }));
        long start = run.StartIteration;
        manual_seed(options.Seed);
        var pathIndex = new PathIndex(AffinityNetTrainingOptions.Radius, options.ImageSize / 4, options.ImageSize / 4);
        using var parallel = new DataParallel<AffinityNet>(() =>
        {
            var replica = AffinityNet.Create(options.Architecture, pathIndex);
            if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(replica.Backbone, options.Pretrained);
            return replica;
        }, devices);
        var model = parallel.Master;
        using var optimizer = AffinityTrainingStep.CreateOptimizer(model, options.LearningRate, options.WeightDecay, maxIteration, options.Momentum, options.Nesterov);
        run.Restore(model, optimizer);
        parallel.Broadcast();
        var step = new AffinityTrainingStep(parallel, optimizer);

        var log = run.OpenLog(echo);
        log.Line(!run.IsResumed
            ? $"[i] {options.Tag}: AffinityNet {options.Architecture} on {options.LabelName}, {train.Count} images, {maxIteration} iterations on {string.Join(", ", devices)}"
            : $"[i] {options.Tag}: resuming at iteration {start} of {maxIteration}");

        var pipeline = TransformPipeline.ForAffinityTraining(new AugmentationOptions
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
        });
        var labelDir = options.LabelDir;
        var loader = new BatchLoader<Sample, (Tensor Images, IReadOnlyList<AffinityPairKind[]> Pairs)>(train.Count, (i, rng) =>
        {
            var id = train.Ids[i];
            var image = train.ReadImage(id);
            var labelPath = Path.Combine(labelDir, id + ".png");
            // Values other than a class 0..20 or 255 would be trained on as classes; the reader refuses them, naming the file.
            var labels = VocDataset.ReadLabelMap(labelPath);
            if (labels.Width != image.Width || labels.Height != image.Height)
                throw new InvalidDataFileException(labelPath, $"labels are {labels.Width}x{labels.Height} but the image {train.ImagePath(id)} is {image.Width}x{image.Height}");
            var sample = pipeline.Apply(image, labels, rng);
            return new Sample(sample.Image, step.Labels.Compute(sample.Mask!));
        }, batch => (TensorCollate.Images(batch.Select(s => s.Image).ToList()), batch.Select(s => s.Pairs).ToList()),
            new BatchLoaderOptions { BatchSize = options.BatchSize, Workers = options.NumWorkers, Seed = (ulong)options.Seed, Shuffle = true, DropLast = true });

        var averages = new TermAverages(TermNames);
        double last = double.NaN;
        long iteration = start;
        using (var batches = loader.Endless(start, cancel).GetEnumerator())
        {
            while (iteration < stopIteration)
            {
                run.StopIfCancelled(log, model, optimizer, iteration, cancel);
                using (NewDisposeScope())
                {
                    run.SavingOnCancel(batches.MoveNext, log, model, optimizer, iteration, cancel);
                    var (images, pairs) = batches.Current;
                    using var masks = step.Labels.Collate(pairs, device);
                    var losses = step.Run(images.to(device), masks);
                    if (!float.IsFinite(losses.Loss))
                        throw new BadInputException($"training diverged at iteration {iteration + 1}: the loss is {losses.Loss}; lower --lr (now {options.LearningRate}) or check the labels in {labelDir}");
                    averages.Add([losses.Loss, losses.BackgroundLoss, losses.ForegroundLoss, losses.NegativeLoss]);
                    last = losses.Loss;
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
                if (iteration % itersPerEpoch == 0 || iteration == stopIteration)
                {
                    run.SaveModel(model);
                    run.Save(model, optimizer, iteration);
                }
            }
        }
        if (!File.Exists(run.ModelPath)) run.SaveModel(model);
        return new AffinityNetTrainingResult(options.Tag, run.ModelPath, iteration, last, clock.Elapsed);
    }
}
