using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Training;

/// <summary>A trainable stage, whatever its network and samples: what <see cref="TrainingOptions.OpenStage"/> returns.</summary>
public abstract class TrainingStage
{
    /// <summary>The stage's options; the trainer reads the shared ones.</summary>
    public abstract TrainingOptions Options { get; }

    /// <summary>Runs <see cref="Trainer"/>'s loop on this stage with its own network and sample types.</summary>
    internal abstract TrainingResult Train(IProgress<TrainingRecord>? progress, Action<string>? echo, CancellationToken cancel);
}

/// <summary>
/// What a trainable stage brings to <see cref="Trainer"/>: its network and the parameter groups it optimizes, how a
/// training sample is read and a batch made of samples, the step's forward and loss, and optionally the validation
/// that selects the kept model. The loop, the schedule, the logs, the checkpoints and resuming are the trainer's.
/// </summary>
/// <typeparam name="TModel">The network trained.</typeparam>
/// <typeparam name="TSample">One augmented training sample, made on a loader thread.</typeparam>
/// <typeparam name="TBatch">The samples of one step, made on the training thread.</typeparam>
public abstract class TrainingStage<TModel, TSample, TBatch> : TrainingStage where TModel : nn.Module, IReferenceCheckpoint
{
    internal override TrainingResult Train(IProgress<TrainingRecord>? progress, Action<string>? echo, CancellationToken cancel) =>
        Trainer.Run(this, progress, echo, cancel);

    /// <summary>The samples of one epoch (a step takes <see cref="TrainingOptions.BatchSize"/> of them, the last partial batch dropped).</summary>
    public abstract int Count { get; }

    /// <summary>The names of the loss terms <see cref="ForwardBackward"/> returns, in its order; the first is the loss itself.</summary>
    public abstract IReadOnlyList<string> TermNames { get; }

    /// <summary>What a run's first log line says about it after the tag; <paramref name="plan"/> is its iterations and devices.</summary>
    public abstract string Describe(string plan);

    /// <summary>What the stage learns from, for the message of a diverged loss (which names the learning rate too).</summary>
    public virtual string TrainedOn => "the data";

    /// <summary>Evaluate (and save the resume state) every this many iterations; null: once per epoch, as the reference.</summary>
    public virtual long? EvalEvery => null;

    /// <summary>Whether the step draws from torch's generator (e.g. dropout); the trainer then seeds it per iteration.</summary>
    public virtual bool DrawsInForward => false;

    /// <summary>The score that selects the kept model; null: the last weights are kept, saved at every evaluation point.</summary>
    public virtual ITrainingValidation<TModel>? Validation => null;

    /// <summary>One replica of the network, before any training; called once per device, after the run's seed is set.</summary>
    public abstract TModel CreateModel();

    /// <summary>The parameters the optimizer updates, in the reference's groups with their learning rates and weight decays.</summary>
    public abstract IEnumerable<ParameterGroup> Groups(TModel model);

    /// <summary>Reads and augments training sample <paramref name="index"/> with only the draws of <paramref name="random"/>; called on loader threads.</summary>
    public abstract TSample Read(int index, RandomSource random);

    /// <summary>One batch of samples, in batch order.</summary>
    public abstract TBatch Collate(IReadOnlyList<TSample> samples);

    /// <summary>
    /// The forward, the loss and its backward of the step of <paramref name="iteration"/> (0-based, of
    /// <paramref name="maxIteration"/>) on every working replica, the gradients summed onto the master; returns the
    /// loss terms of the whole batch in the order of <see cref="TermNames"/>. The trainer clears the gradients before
    /// and updates the weights after.
    /// </summary>
    public abstract double[] ForwardBackward(DataParallel<TModel> parallel, TBatch batch, long iteration, long maxIteration);

    /// <summary>Values logged with the losses that follow the schedule of <paramref name="iteration"/>, besides the learning rate.</summary>
    public virtual IEnumerable<(string Name, double Value)> Scheduled(long iteration, long maxIteration) => [];
}
