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

/// <summary>
/// Stage 4 (<c>train_affinitynet.py</c>): AffinityNet's edge layers trained on the affinity labels of stage 3, over a
/// frozen ImageNet backbone. Defaults are the reference script's; the README sets the architecture, tag and label folder.
/// </summary>
public sealed record AffinityNetTrainingOptions
{
    /// <summary>The path radius of training: every pixel pair within 10 cells of the 128x128 label map.</summary>
    public const int Radius = 10;

    public int Seed { get; init; }

    /// <summary><c>--num_workers</c>: threads decoding and augmenting training images.</summary>
    public int NumWorkers { get; init; } = 4;

    public string DataDir { get; init; } = SyntheticVocDataset.DefaultRoot;

    /// <summary><c>--domain</c>: the training split; the reference trains on train_aug, whose labels stage 3 must have made.</summary>
    public string Domain { get; init; } = "train_aug";

    /// <summary><c>--architecture</c>: the backbone (ImageNet weights from <see cref="Pretrained"/> or its own).</summary>
    public string Architecture { get; init; } = "resnet50";

    public int BatchSize { get; init; } = 32;

    public int MaxEpoch { get; init; } = 3;

    /// <summary><c>--max_iterations</c>: stop early (the schedule still spans <see cref="MaxEpoch"/>).</summary>
    public long? MaxIterations { get; init; }

    public double LearningRate { get; init; } = 0.1;

    /// <summary><c>--wd</c>: weight decay, also the effective momentum unless <see cref="Momentum"/> is set, as in the reference.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary><c>--momentum</c>: SGD momentum as intended; null reproduces the reference.</summary>
    public double? Momentum { get; init; }

    public bool Nesterov { get; init; } = true;

    /// <summary><c>--image_size</c>: square crop; the label map is a quarter of it.</summary>
    public int ImageSize { get; init; } = 512;

    public int MinImageSize { get; init; } = 320;

    public int MaxImageSize { get; init; } = 640;

    public double PrintRatio { get; init; } = 0.1;

    /// <summary><c>--tag</c>: the model's name, <c>models/{tag}.pth</c>.</summary>
    public string Tag { get; init; } = "";

    /// <summary><c>--label_name</c>: the affinity-label folder under predictions/ (stage 3's output).</summary>
    public string LabelName { get; init; } = "";

    /// <summary><c>--pred_dir</c>: where <see cref="LabelName"/> is; null: the experiments' predictions folder.</summary>
    public string? PredDir { get; init; }

    /// <summary><c>--pretrained</c>: ImageNet weights of the backbone (the offline resnet18 brings its own).</summary>
    public string? Pretrained { get; init; }

    /// <summary><c>--gpus</c>: the devices, data-parallel as stage 1 (the reference's README trains this stage on one GPU).</summary>
    public string? Gpus { get; init; }

    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The label folder read.</summary>
    public string LabelDir => PredDir is { } root ? Path.Combine(root, LabelName) : Layout.Predictions(LabelName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the model file");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (string.IsNullOrWhiteSpace(LabelName)) throw new BadInputException("--label_name is required: the affinity-label folder of make-affinity-labels");
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (MaxEpoch < 1) throw new BadInputException($"--max_epoch must be at least 1, got {MaxEpoch}");
        if (MaxIterations is < 1) throw new BadInputException($"--max_iterations must be at least 1, got {MaxIterations}");
        if (!(LearningRate > 0)) throw new BadInputException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new BadInputException($"--wd must be non-negative, got {WeightDecay}");
        if (Momentum is { } m && !(m >= 0 && m < 1)) throw new BadInputException($"--momentum must be in [0, 1), got {m}");
        if (ImageSize < 4 * Radius * 2 || ImageSize % 16 != 0) throw new BadInputException($"--image_size must be a multiple of 16 of at least {8 * Radius}, got {ImageSize}");
        if (MinImageSize < 1 || MaxImageSize < MinImageSize) throw new BadInputException($"--min_image_size {MinImageSize} and --max_image_size {MaxImageSize} must satisfy 1 <= min <= max");
        if (!(PrintRatio > 0 && PrintRatio <= 1)) throw new BadInputException($"--print_ratio must be in (0, 1], got {PrintRatio}");
        if (NumWorkers < 0) throw new BadInputException($"--num_workers must be non-negative, got {NumWorkers}");
        var arch = Backbones.Find(Architecture);
        if (Pretrained is null && !arch.BringsOwnWeights)
            throw new BadInputException($"--pretrained is required for --architecture {Architecture}: AffinityNet trains over a frozen ImageNet backbone");
        if (Pretrained is not null && !File.Exists(Pretrained)) throw new FileNotFoundException($"{Pretrained}: pretrained weights not found (--pretrained)", Pretrained);
    }
}

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
