using PuzzleCam.Affinity;
using PuzzleCam.Models;
using PuzzleCam.Training;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Affinity;

public class AffinityDataParallelTests
{
    /// <summary>
    /// Stage 4 on two CPU "devices", each with half the batch, must take the step of one AffinityNet on the whole batch:
    /// each loss term is an average over the whole batch's pairs, so the replicas divide by the batch's pair counts.
    /// The halves get unequal pair counts on purpose, where dividing by each half's own count would differ.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void TwoReplicasTakeTheStepOfOneModelOnTheWholeBatch()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var pathIndex = new PathIndex(AffinityNetTrainingOptions.Radius, 24, 24);
        var images = randn(4, 3, 96, 96);
        // Kind per pair: 0 background, 1 foreground, 2 negative, 3 ignored; the first image has far fewer background pairs.
        int pairs = (int)(pathIndex.DirectionCount * pathIndex.SourceCount);
        var random = new Random(5);
        var kindOf = new float[4 * pairs];
        for (int i = 0; i < kindOf.Length; i++) kindOf[i] = i < pairs && random.NextDouble() < 0.8 ? random.Next(1, 4) : random.Next(0, 4);
        Tensor Mask(int kind) => tensor(kindOf.Select(k => k == kind ? 1f : 0f).ToArray(), [4, pathIndex.DirectionCount, pathIndex.SourceCount]);
        using var initial = AffinityNet.Create("resnet50", pathIndex);

        (Dictionary<string, Tensor> State, AffinityStepLosses Losses) Train(int replicas)
        {
            using var parallel = new DataParallel<AffinityNet>(() => AffinityNet.Create("resnet50", pathIndex), Enumerable.Repeat(CPU, replicas).ToArray());
            parallel.Master.load_state_dict(initial.state_dict());
            parallel.Broadcast();
            using var optimizer = AffinityTrainingStep.CreateOptimizer(parallel.Master, 0.1, 1e-4, maxStep: 10, momentum: 0.9);
            var step = new AffinityTrainingStep(parallel, optimizer);
            AffinityStepLosses losses = default;
            for (int i = 0; i < 2; i++)
            {
                using var masks = new AffinityMasks(Mask(0), Mask(1), Mask(2));
                losses = step.Run(images, masks);
            }
            var state = parallel.Master.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            if (replicas > 1)
                foreach (var (key, value) in parallel.Replica(1).state_dict())
                    Assert.True(value.equal(state[key]).all().item<bool>(), $"replica 1 differs from replica 0 at {key}");
            return (state, losses);
        }

        var one = Train(1);
        var two = Train(2);
        Assert.Equal(one.Losses.Loss, two.Losses.Loss, 4);
        Assert.Equal(one.Losses.BackgroundLoss, two.Losses.BackgroundLoss, 4);
        Assert.Equal(one.Losses.ForegroundLoss, two.Losses.ForegroundLoss, 4);
        Assert.Equal(one.Losses.NegativeLoss, two.Losses.NegativeLoss, 4);
        double worst = 0;
        foreach (var (key, value) in one.State)
        {
            if (!value.is_floating_point()) continue;
            var scale = Math.Max(value.abs().max().item<float>(), 1e-6f);
            worst = Math.Max(worst, (two.State[key] - value).abs().max().item<float>() / scale);
        }
        Assert.True(worst < 1e-4, $"largest relative difference {worst}");
    }
}
