using System.Text.Json;
using System.Text.Json.Serialization;

namespace PuzzleCam.Training;

/// <summary>
/// The settings every trainable stage shares, with the reference scripts' flag names; a stage's record adds its own
/// settings and passes its script's defaults for the ones that differ between scripts.
/// </summary>
public abstract record TrainingOptions
{
    /// <param name="maxEpoch">The script's <c>--max_epoch</c>.</param>
    /// <param name="learningRate">The script's <c>--lr</c>.</param>
    /// <param name="weightDecay">The script's <c>--wd</c>.</param>
    /// <param name="minImageSize">The script's <c>--min_image_size</c>.</param>
    /// <param name="maxImageSize">The script's <c>--max_image_size</c>.</param>
    protected TrainingOptions(int maxEpoch, double learningRate, double weightDecay, int minImageSize, int maxImageSize)
    {
        MaxEpoch = maxEpoch;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        MinImageSize = minImageSize;
        MaxImageSize = maxImageSize;
    }

    /// <summary><c>--seed</c>: weights of the new layers and every augmentation draw.</summary>
    public int Seed { get; init; }

    /// <summary><c>--num_workers</c>: threads that decode and augment training images.</summary>
    public int NumWorkers { get; init; } = 4;

    /// <summary><c>--data_dir</c>: the VOC root.</summary>
    public string DataDir { get; init; } = Data.Synthetic.SyntheticVocDataset.DefaultRoot;

    /// <summary><c>--domain</c>: the training split (the reference trains on train_aug).</summary>
    public string Domain { get; init; } = "train_aug";

    /// <summary><c>--batch_size</c>: the global batch, split over the devices.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>--max_epoch</c>.</summary>
    public int MaxEpoch { get; init; }

    /// <summary><c>--max_iterations</c>: stops after this many iterations instead of <see cref="MaxEpoch"/> epochs (for short runs); the schedules still span the epochs.</summary>
    public long? MaxIterations { get; init; }

    /// <summary><c>--lr</c>: learning rate of the first parameter group (the backbone weights, or AffinityNet's edge layers).</summary>
    public double LearningRate { get; init; }

    /// <summary><c>--wd</c>: weight decay; also the effective momentum unless <see cref="Momentum"/> is set, because the reference passes its weight decay into SGD's momentum argument.</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>--momentum</c>: the intended SGD momentum (e.g. 0.9). Null reproduces the reference.</summary>
    public double? Momentum { get; init; }

    /// <summary><c>--nesterov</c>.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary><c>--image_size</c>: the square training crop.</summary>
    public int ImageSize { get; init; } = 512;

    /// <summary><c>--min_image_size</c>: smallest long side of the random resize.</summary>
    public int MinImageSize { get; init; }

    /// <summary><c>--max_image_size</c>: largest long side of the random resize.</summary>
    public int MaxImageSize { get; init; }

    /// <summary><c>--print_ratio</c>: log every this fraction of an epoch.</summary>
    public double PrintRatio { get; init; } = 0.1;

    /// <summary><c>--tag</c>: the experiment's name (its files under experiments/, the model <c>models/{tag}.pth</c>).</summary>
    public string Tag { get; init; } = "";

    /// <summary><c>--pretrained</c>: ImageNet weights of the backbone (torchvision or ResNeSt .pth); null: the backbone's built-in source, if any.</summary>
    public string? Pretrained { get; init; }

    /// <summary><c>--gpus</c>: "0,1,2,3" trains data-parallel over those CUDA devices; "cpu" or unset without CUDA: the CPU.</summary>
    public string? Gpus { get; init; }

    /// <summary>Root of logs, models and predictions.</summary>
    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary>The folders and files under <see cref="ExperimentsDir"/>.</summary>
    [JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>Throws <see cref="BadInputException"/> naming the offending flag.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(Tag)) throw new BadInputException("--tag is required: it names the experiment's files");
        if (Tag.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) throw new BadInputException($"--tag '{Tag}' cannot be a file name");
        if (BatchSize < 1) throw new BadInputException($"--batch_size must be at least 1, got {BatchSize}");
        if (MaxEpoch < 1) throw new BadInputException($"--max_epoch must be at least 1, got {MaxEpoch}");
        if (MaxIterations is < 1) throw new BadInputException($"--max_iterations must be at least 1, got {MaxIterations}");
        if (!(LearningRate > 0)) throw new BadInputException($"--lr must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new BadInputException($"--wd must be non-negative, got {WeightDecay}");
        if (Momentum is { } m && !(m >= 0 && m < 1)) throw new BadInputException($"--momentum must be in [0, 1), got {m}");
        if (MinImageSize < 1 || MaxImageSize < MinImageSize) throw new BadInputException($"--min_image_size {MinImageSize} and --max_image_size {MaxImageSize} must satisfy 1 <= min <= max");
        if (!(PrintRatio > 0 && PrintRatio <= 1)) throw new BadInputException($"--print_ratio must be in (0, 1], got {PrintRatio}");
        if (NumWorkers < 0) throw new BadInputException($"--num_workers must be non-negative, got {NumWorkers}");
        if (Pretrained is not null && !File.Exists(Pretrained)) throw new FileNotFoundException($"{Pretrained}: pretrained weights not found (--pretrained)", Pretrained);
    }

    /// <summary>
    /// The stage these options train, its inputs opened and read once, so that a missing or corrupt file stops the run
    /// before its first step; <see cref="Trainer.Run(TrainingOptions, IProgress{TrainingRecord}?, Action{string}?, CancellationToken)"/> trains it.
    /// </summary>
    public abstract TrainingStage OpenStage(CancellationToken cancel);

    /// <summary>
    /// What every stage does before it reads its own inputs: checks these options, loads libtorch, and opens the
    /// training split.
    /// </summary>
    protected VocDataset OpenTrainingSplit()
    {
        Validate();
        TorchRuntime.EnsureLoaded();
        return VocDataset.Open(DataDir, ImageListSource.FromDomain(Domain));
    }

    /// <summary>
    /// The options that decide the run's numbers, as JSON, with paths relative to the experiments folder so that a
    /// moved one resumes; a resume with other options would mix two runs, so <see cref="Experiments.TrainingRun"/>
    /// refuses it. Stopping early, the loader's threads and the devices change no number, so they are left out.
    /// </summary>
    public string Fingerprint() => JsonSerializer.Serialize(WithPortablePaths() with
    {
        MaxIterations = null, NumWorkers = 0, Gpus = null,
        DataDir = Layout.Portable(DataDir), ExperimentsDir = ".", Pretrained = Pretrained is null ? null : Layout.Portable(Pretrained),
    }, GetType());

    /// <summary>These options with the stage's own input paths relative to the experiments folder (see <see cref="Fingerprint"/>).</summary>
    protected virtual TrainingOptions WithPortablePaths() => this;
}
