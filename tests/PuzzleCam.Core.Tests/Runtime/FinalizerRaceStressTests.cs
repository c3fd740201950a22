using PuzzleCam.Benchmarks;
using PuzzleCam.Cams;
using PuzzleCam.IO;
using PuzzleCam.Models;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Runtime;

/// <summary>
/// The real training step and multi-scale CAM under a thread that collects and finalizes without pause. Before the
/// Scalars were held, the same work died within seconds with "Exception raised from toFloat at c10/core/Scalar.h".
/// (The dense CRF is plain C# and makes no TorchSharp call.)
/// </summary>
[Trait("Category", "Slow")]
public class FinalizerRaceStressTests
{
    [Fact]
    public void TrainingStepsSurviveConstantCollections()
    {
        using var pressure = new GcPressure();
        // Normal BatchNorm counts batches in training, and the puzzle step has every loss and the optimizer's updates.
        var timing = TrainStepBenchmark.Run(new TrainStepBenchmarkOptions
        {
            Architecture = "resnet18",
            BatchSize = 2,
            ImageSize = 64,
            Mode = NormMode.Normal,
            Puzzle = true,
            Warmup = 0,
            Repeats = 10,
        });
        pressure.Dispose();
        Assert.Equal(10, timing.Seconds.Count);
        Assert.True(pressure.Collections > 10, $"only {pressure.Collections} collections ran alongside");
    }

    [Fact]
    public void MultiScaleCamsSurviveConstantCollections()
    {
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        var cams = new MultiScaleCam(model, CPU, [0.5, 1.0]);
        var inputs = cams.Prepare(new RgbImage(96, 64));
        var tags = Enumerable.Repeat(1f, 20).ToArray();
        using var pressure = new GcPressure();
        for (int i = 0; i < 15; i++)
            Assert.Equal(21, cams.Compute(inputs, tags).Keys.Length);
        pressure.Dispose();
        Assert.True(pressure.Collections > 10, $"only {pressure.Collections} collections ran alongside");
    }
}
