using PuzzleCam.Classification;
using PuzzleCam.Models;
using PuzzleCam.Training;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Training;

public class DataParallelTests
{
    /// <summary>
    /// Two replicas on two CPU "devices", each with half the batch, must take the same optimizer step as one model on
    /// the whole batch (fix mode, so BatchNorm does not depend on how the batch is split).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void TwoReplicasTakeTheStepOfOneModelOnTheWholeBatch()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var images = randn(4, 3, 64, 64);
        var labels = zeros(4, 20);
        labels[0, 3] = 1; labels[1, 7] = 1; labels[1, 12] = 1; labels[2, 0] = 1; labels[3, 19] = 1;
        var losses = new PuzzleLossOptions { Alpha = 2 };
        using var initial = Classifier.Create("resnet50", NormMode.Fix);

        Dictionary<string, Tensor> Train(int replicas)
        {
            using var parallel = new DataParallel<Classifier>(() => Classifier.Create("resnet50", NormMode.Fix), Enumerable.Repeat(CPU, replicas).ToArray());
            parallel.Master.load_state_dict(initial.state_dict());
            parallel.Broadcast();
            using var optimizer = new PolyOptimizer([new ParameterGroup(parallel.Master.parameters().ToList(), 0.05, 1e-4)], 1e-4, maxStep: 10, momentum: 0.9);
            parallel.Master.train();
            for (int r = 1; r < replicas; r++) parallel.Replica(r).train();
            for (int step = 0; step < 2; step++)
            {
                optimizer.ZeroGrad();
                var xs = parallel.Scatter(images);
                var ys = parallel.Scatter(labels);
                parallel.ForwardBackward(xs.Count, r =>
                {
                    double share = xs[r].shape[0] / (double)images.shape[0];
                    var t = PuzzleStep.Run(parallel.Replica(r), xs[r], ys[r], 4, losses, losses.Alpha).Terms;
                    return (t.Total * share, [t.Total.item<float>() * share]);
                });
                optimizer.Step();
                parallel.Broadcast();
            }
            var state = parallel.Master.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            if (replicas > 1)
                foreach (var (key, value) in parallel.Replica(1).state_dict())
                    Assert.True(value.equal(state[key]).all().item<bool>(), $"replica 1 differs from replica 0 at {key}");
            return state;
        }

        var one = Train(1);
        var two = Train(2);
        double worst = 0;
        foreach (var (key, value) in one)
        {
            if (!value.is_floating_point()) continue;
            var scale = Math.Max(value.abs().max().item<float>(), 1e-6f);
            worst = Math.Max(worst, (two[key] - value).abs().max().item<float>() / scale);
        }
        Assert.True(worst < 1e-4, $"largest relative difference {worst}");
    }
}
