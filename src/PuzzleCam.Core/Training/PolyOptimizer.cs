using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PuzzleCam.Training;

/// <summary>One parameter group: its parameters, initial learning rate and weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRate, double WeightDecay);

/// <summary>
/// The reference's PolyOptimizer: SGD (nesterov) whose group learning rates follow lr_g * (1 - step/max_step)^power.
/// Faithful by default to its momentum quirk (spec 3.7, quirk 1): the weight decay value lands in SGD's momentum slot, so
/// the effective momentum equals the weight decay; <see cref="Momentum"/> set explicitly gives the intended behaviour.
/// </summary>
public sealed class PolyOptimizer : IDisposable
{
    private readonly SGD _sgd;
    private readonly double[] _initialLearningRates;

    /// <param name="groups">The parameter groups (empty groups are dropped).</param>
    /// <param name="weightDecay">The <c>--wd</c> value; with <paramref name="momentum"/> null it is also the momentum, as in the reference.</param>
    /// <param name="maxStep">Steps over which the learning rate decays to 0.</param>
    /// <param name="momentum">The intended momentum (e.g. 0.9); null reproduces the reference.</param>
    /// <param name="nesterov">Nesterov momentum (the reference's default is true).</param>
    /// <param name="power">The poly exponent (the reference's "momentum=0.9" argument ends up here).</param>
    public PolyOptimizer(IEnumerable<ParameterGroup> groups, double weightDecay, long maxStep, double? momentum = null, bool nesterov = true, double power = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStep, 1);
        var kept = groups.Where(g => g.Parameters.Count > 0).ToList();
        if (kept.Count == 0) throw new ArgumentException("no parameters to optimise");
        Momentum = momentum ?? weightDecay;
        MaxStep = maxStep;
        Power = power;
        _initialLearningRates = kept.Select(g => g.LearningRate).ToArray();
        var sgdGroups = kept.Select(g => new SGD.ParamGroup(g.Parameters, g.LearningRate, Momentum, 0.0, g.WeightDecay, nesterov && Momentum > 0, false));
        _sgd = optim.SGD(sgdGroups, kept[0].LearningRate, Momentum, 0.0, 0.0, nesterov && Momentum > 0, false);
    }

    public double Momentum { get; }
    public long MaxStep { get; }
    public double Power { get; }

    /// <summary>Steps taken so far (the reference's global_step); set it when resuming.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The current learning rate of group 0, the one the reference logs.</summary>
    public double LearningRate => _sgd.ParamGroups.First().LearningRate;

    public SGD Inner => _sgd;

    public void ZeroGrad() => _sgd.zero_grad();

    /// <summary>Sets every group's poly learning rate for the current step, steps, and advances the step counter.</summary>
    public void Step()
    {
        if (GlobalStep < MaxStep)
        {
            double factor = Math.Pow(1 - (double)GlobalStep / MaxStep, Power);
            int i = 0;
            foreach (var group in _sgd.ParamGroups) group.LearningRate = _initialLearningRates[i++] * factor;
        }
        _sgd.step();
        GlobalStep++;
    }

    public void Dispose() => _sgd.Dispose();
}
