using PuzzleCam.Models;
using PuzzleCam.Training;
using static TorchSharp.torch;

namespace PuzzleCam.Affinity;

/// <summary>The four losses of one AffinityNet step, as the reference logs them, and the learning rate the step used (group 0's).</summary>
public readonly record struct AffinityStepLosses(float Loss, float BackgroundLoss, float ForegroundLoss, float NegativeLoss, double LearningRate);

/// <summary>
/// One training step of stage 4 on a batch: the forward with affinities (the backbone frozen, in eval mode, its
/// features detached; the edge layers in train mode), the loss, the backward and a <see cref="PolyOptimizer"/> step
/// over the edge layers only. A trainer calls <see cref="Run"/> once per batch.
/// </summary>
public sealed class AffinityTrainingStep
{
    public AffinityTrainingStep(AffinityNet model, PolyOptimizer optimizer)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (model.PathIndex is null) throw new ArgumentException("the AffinityNet needs a path index to train", nameof(model));
        Labels = new AffinityLabelsFromMask(model.PathIndex);
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
    public static PolyOptimizer CreateOptimizer(AffinityNet model, double learningRate, double weightDecay, long maxStep, double? momentum = null, bool nesterov = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new PolyOptimizer([new ParameterGroup(model.EdgeParameters(), learningRate, weightDecay)], weightDecay, maxStep, momentum, nesterov);
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
        Model.train();
        Optimizer.ZeroGrad();
        var (_, affinity) = Model.ForwardWithAffinity(images);
        var terms = AffinityLoss.Compute(affinity, labels);
        terms.Total.backward();
        Optimizer.Step();
        return new AffinityStepLosses(terms.Total.item<float>(), terms.BackgroundLoss.item<float>(),
            terms.ForegroundLoss.item<float>(), terms.NegativeLoss.item<float>(), Optimizer.LearningRate);
    }
}
