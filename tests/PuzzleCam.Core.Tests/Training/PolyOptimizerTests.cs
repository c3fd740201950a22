using PuzzleCam.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Training;

public class PolyOptimizerTests
{
    [Fact]
    public void FollowsThePolyScheduleWithTheReferenceMomentum()
    {
        var w = new Parameter(tensor(new float[] { 1f, -2f }));
        var b = new Parameter(tensor(new float[] { 0.5f }));
        const double lr = 0.1, wd = 1e-4;
        using var opt = new PolyOptimizer([new ParameterGroup([w], lr, wd), new ParameterGroup([b], 2 * lr, 0)], wd, maxStep: 4);
        Assert.Equal(wd, opt.Momentum);

        // Nesterov SGD by hand: g' = g + wd*p; buf = m*buf + g' (buf = g' at the first step); p -= lr_t * (g' + m*buf).
        double[] p = [1, -2];
        double[] buf = [0, 0];
        for (int step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            (w * w).sum().backward();
            opt.Step();
            double lrT = lr * Math.Pow(1 - step / 4.0, 0.9);
            for (int i = 0; i < 2; i++)
            {
                double g = 2 * p[i] + wd * p[i];
                buf[i] = step == 0 ? g : wd * buf[i] + g;
                p[i] -= lrT * (g + wd * buf[i]);
            }
            Assert.Equal(lrT, opt.LearningRate, 12);
        }
        var actual = w.detach().data<float>().ToArray();
        Assert.Equal(p[0], actual[0], 5);
        Assert.Equal(p[1], actual[1], 5);
        Assert.Equal(3, opt.GlobalStep);
    }

    [Fact]
    public void ExplicitMomentumGivesTheIntendedOptimizer()
    {
        var w = new Parameter(ones(3));
        using var opt = new PolyOptimizer([new ParameterGroup([w], 0.1, 1e-4)], 1e-4, maxStep: 10, momentum: 0.9);
        Assert.Equal(0.9, opt.Momentum);
    }
}
