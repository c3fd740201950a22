namespace PuzzleCam.Affinity;

/// <summary>The four losses of one AffinityNet step, as the reference logs them, and the learning rate the step used (group 0's).</summary>
public readonly record struct AffinityStepLosses(float Loss, float BackgroundLoss, float ForegroundLoss, float NegativeLoss, double LearningRate);

/// <summary>
/// One training step of stage 4 on a batch: the forward with affinities (the backbone frozen, in eval mode, its
/// features detached; the edge layers in train mode), the loss, the backward and a <see cref="PolyOptimizer"/> step
/// over the edge layers only. A trainer calls <see cref="Run"/> once per batch. Over several devices the batch is split
/// among replicas and each term is divided by the whole batch's pair count, so the step equals one model's on the
/// whole batch.
/// </summary>
public sealed class AffinityTrainingStep
{
    private readonly DataParallel<AffinityNet>? _parallel;

    /// <summary>A step of one model on its own device.</summary>
    public AffinityTrainingStep(AffinityNet model, PolyOptimizer optimizer) : this(model, optimizer, null)
    {
    }

    /// <summary>A data-parallel step; the optimizer updates <paramref name="parallel"/>'s master replica.</summary>
    public AffinityTrainingStep(DataParallel<AffinityNet> parallel, PolyOptimizer optimizer)
        : this((parallel ?? throw new ArgumentNullException(nameof(parallel))).Master, optimizer, parallel)
    {
    }

    private AffinityTrainingStep(AffinityNet model, PolyOptimizer optimizer, DataParallel<AffinityNet>? parallel)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (model.PathIndex is null) throw new ArgumentException("the AffinityNet needs a path index to train", nameof(model));
        Labels = new AffinityLabelsFromMask(model.PathIndex);
        _parallel = parallel is { Devices.Count: > 1 } ? parallel : null;
    }

    public AffinityNet Model { get; }
    public PolyOptimizer Optimizer { get; }

    /// <summary>Turns the batch's (resized) label maps into the pair labels <see cref="Run"/> takes.</summary>
    public AffinityLabelsFromMask Labels { get; }

    /// <summary>
    /// The reference's optimizer for stage 4: one group, the edge layers, at <paramref name="learningRate"/> with
    /// weight decay <paramref name="weightDecay"/>; poly decay over <paramref name="maxStep"/> steps. A null
    /// <paramref name="momentum"/> keeps the reference's effective momentum (equal to the weight decay).
    /// </summary>
    public static PolyOptimizer CreateOptimizer(AffinityNet model, double learningRate, double weightDecay, long maxStep, double? momentum = null, bool nesterov = true) =>
        new(Groups(model, learningRate, weightDecay), weightDecay, maxStep, momentum, nesterov);

    /// <summary>The reference's single parameter group of stage 4: the edge layers, at <paramref name="learningRate"/> with weight decay <paramref name="weightDecay"/>.</summary>
    public static ParameterGroup[] Groups(AffinityNet model, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [new ParameterGroup(model.EdgeParameters(), learningRate, weightDecay)];
    }

    /// <summary>
    /// One step on normalised images [B, 3, S, S] and their pair labels (masks [B, directions, sources] on the
    /// model's device). Every tensor made here is freed before it returns.
    /// </summary>
    public AffinityStepLosses Run(Tensor images, AffinityMasks labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        Optimizer.ZeroGrad();
        var report = _parallel is null ? OnOneDevice(Model, images, labels) : Split(_parallel, images, labels);
        Optimizer.Step();
        _parallel?.Broadcast();
        return new AffinityStepLosses((float)report[0], (float)report[1], (float)report[2], (float)report[3], Optimizer.LearningRate);
    }

    /// <summary>
    /// The step without its update, for a trainer that clears the gradients and updates the weights itself: the
    /// forward, the loss and the backward on <paramref name="parallel"/>'s devices, the gradients summed onto its
    /// master; returns the loss, background, foreground and negative terms of the whole batch.
    /// </summary>
    public static double[] ForwardBackward(DataParallel<AffinityNet> parallel, Tensor images, AffinityMasks labels)
    {
        ArgumentNullException.ThrowIfNull(parallel);
        return parallel.Devices.Count > 1 ? Split(parallel, images, labels) : OnOneDevice(parallel.Master, images, labels);
    }

    private static double[] OnOneDevice(AffinityNet model, Tensor images, AffinityMasks labels)
    {
        model.train();
        var (_, affinity) = model.ForwardWithAffinity(images);
        var terms = AffinityLoss.Compute(affinity, labels);
        terms.Total.backward();
        return Report(terms);
    }

    private static double[] Split(DataParallel<AffinityNet> parallel, Tensor images, AffinityMasks labels)
    {
        var counts = AffinityPairCounts.Of(labels);
        var xs = parallel.Scatter(images);
        var background = parallel.Scatter(labels.BackgroundPositive);
        var foreground = parallel.Scatter(labels.ForegroundPositive);
        var negative = parallel.Scatter(labels.Negative);
        return parallel.ForwardBackward(xs.Count, r =>
        {
            var replica = parallel.Replica(r);
            replica.train();
            var (_, affinity) = replica.ForwardWithAffinity(xs[r]);
            var terms = AffinityLoss.Compute(affinity, new AffinityMasks(background[r], foreground[r], negative[r]), counts);
            return (terms.Total, Report(terms));
        });
    }

    private static double[] Report(AffinityLossTerms terms) =>
        [terms.Total.item<float>(), terms.BackgroundLoss.item<float>(), terms.ForegroundLoss.item<float>(), terms.NegativeLoss.item<float>()];
}
