using TorchSharp.Modules;

namespace PuzzleCam.Training;

/// <summary>One parameter group: its parameters, initial learning rate and weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRate, double WeightDecay);

/// <summary>
/// The reference's PolyOptimizer: SGD (nesterov) whose group learning rates follow lr_g * (1 - step/max_step)^power.
/// Faithful by default to its momentum quirk: the weight decay value lands in SGD's momentum slot, so
/// the effective momentum equals the weight decay; <see cref="Momentum"/> set explicitly gives the intended behaviour.
/// The update is PyTorch's SGD (dampening 0) written out here: TorchSharp 0.107's <c>optim.SGD.step</c> grew the
/// process by about 10 MB per step in our measurements, with every managed tensor accounted for.
/// </summary>
public sealed class PolyOptimizer : IDisposable
{
    private readonly Group[] _groups;

    private sealed class Group(ParameterGroup group)
    {
        public Parameter[] Parameters { get; } = group.Parameters.ToArray();
        public double InitialLearningRate { get; } = group.LearningRate;
        public double WeightDecay { get; } = group.WeightDecay;
        public double LearningRate { get; set; } = group.LearningRate;
        public Tensor?[] MomentumBuffers { get; } = new Tensor?[group.Parameters.Count];
    }

    /// <param name="groups">The parameter groups (empty groups are dropped).</param>
    /// <param name="weightDecay">The <c>--wd</c> value; with <paramref name="momentum"/> null it is also the momentum, as in the reference.</param>
    /// <param name="maxStep">Steps over which the learning rate decays to 0.</param>
    /// <param name="momentum">The intended momentum (e.g. 0.9); null reproduces the reference.</param>
    /// <param name="nesterov">Nesterov momentum (the reference's default is true).</param>
    /// <param name="power">The poly exponent (the reference's "momentum=0.9" argument ends up here).</param>
    public PolyOptimizer(IEnumerable<ParameterGroup> groups, double weightDecay, long maxStep, double? momentum = null, bool nesterov = true, double power = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStep, 1);
        _groups = groups.Where(g => g.Parameters.Count > 0).Select(g => new Group(g)).ToArray();
        if (_groups.Length == 0) throw new ArgumentException("no parameters to optimise");
        Momentum = momentum ?? weightDecay;
        Nesterov = nesterov && Momentum > 0;
        MaxStep = maxStep;
        Power = power;
    }

    public double Momentum { get; }
    public bool Nesterov { get; }
    public long MaxStep { get; }
    public double Power { get; }

    /// <summary>Steps taken so far (the reference's global_step); restored by <see cref="LoadState"/>.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The current learning rate of group 0, the one the reference logs.</summary>
    public double LearningRate => _groups[0].LearningRate;

    public IEnumerable<Parameter> Parameters => _groups.SelectMany(g => g.Parameters);

    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.grad = null;
    }

    /// <summary>Sets every group's poly learning rate for the current step, updates the parameters, and advances the step counter.</summary>
    public void Step()
    {
        if (GlobalStep < MaxStep)
        {
            double factor = Math.Pow(1 - (double)GlobalStep / MaxStep, Power);
            foreach (var g in _groups) g.LearningRate = g.InitialLearningRate * factor;
        }
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var g in _groups)
            {
                using var weightDecay = g.WeightDecay.ToScalar();
                using var momentum = Momentum.ToScalar();
                using var negativeLearningRate = (-g.LearningRate).ToScalar();
                for (int i = 0; i < g.Parameters.Length; i++)
                {
                    var p = g.Parameters[i];
                    if (p.grad is not { } grad) continue;
                    var d = g.WeightDecay != 0 ? grad.add(p, weightDecay) : grad;
                    if (Momentum != 0)
                    {
                        if (g.MomentumBuffers[i] is not { } buffer)
                            g.MomentumBuffers[i] = buffer = d.detach().clone().DetachFromDisposeScope();
                        else
                            buffer.mul_(momentum).add_(d, Scalars.One);
                        d = Nesterov ? d.add(buffer, momentum) : buffer;
                    }
                    p.add_(d, negativeLearningRate);
                }
            }
        }
        GlobalStep++;
    }

    /// <summary>The momentum buffers by "group.index" and the step counter, for an exact resume.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["global_step"] = tensor(GlobalStep).DetachFromDisposeScope() };
        for (int g = 0; g < _groups.Length; g++)
            for (int i = 0; i < _groups[g].MomentumBuffers.Length; i++)
                if (_groups[g].MomentumBuffers[i] is { } buffer) state[$"{g}.{i}"] = buffer;
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        if (!state.TryGetValue("global_step", out var step)) throw new IO.InvalidDataFileException(source, "optimizer state without global_step");
        using var _ = no_grad();
        foreach (var (key, value) in state)
        {
            if (key == "global_step") continue;
            var parts = key.Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int g) || !int.TryParse(parts[1], out int i) || g >= _groups.Length || i >= _groups[g].Parameters.Length
                || !_groups[g].Parameters[i].shape.SequenceEqual(value.shape))
                throw new IO.InvalidDataFileException(source, $"optimizer state entry '{key}' [{string.Join(", ", value.shape)}] does not fit this model");
            var target = _groups[g].Parameters[i];
            _groups[g].MomentumBuffers[i]?.Dispose();
            _groups[g].MomentumBuffers[i] = value.to(target.device).clone().DetachFromDisposeScope();
        }
        GlobalStep = step.item<long>();
        if (GlobalStep > 0 && GlobalStep <= MaxStep)
        {
            double factor = Math.Pow(1 - (double)(GlobalStep - 1) / MaxStep, Power);
            foreach (var grp in _groups) grp.LearningRate = grp.InitialLearningRate * factor;
        }
    }

    public void Dispose()
    {
        foreach (var g in _groups)
            for (int i = 0; i < g.MomentumBuffers.Length; i++)
            {
                g.MomentumBuffers[i]?.Dispose();
                g.MomentumBuffers[i] = null;
            }
    }
}
