namespace PuzzleCam.Training;

/// <summary>
/// Single-process data parallelism, as PyTorch's DataParallel does it for the reference: a replica of the model per
/// device, the batch split among them, each replica's forward and backward on its own thread, gradients summed onto
/// replica 0, one optimizer step there, and replica 0's weights and buffers copied back to the others. BatchNorm
/// statistics are per replica during the step, and replica 0's running statistics are the ones kept, as in
/// DataParallel. TorchSharp has no DistributedDataParallel or NCCL binding, so the reduction goes through device copies.
/// With one device this is a plain training step with no copies.
/// </summary>
public sealed class DataParallel<TModule> : IDisposable where TModule : nn.Module
{
    private readonly TModule[] _replicas;
    private readonly (string Name, Tensor Tensor)[][] _states;
    private readonly TorchSharp.Modules.Parameter[][] _parameters;

    /// <param name="create">Builds one replica; called once per device.</param>
    /// <param name="devices">The devices, master first.</param>
    public DataParallel(Func<TModule> create, IReadOnlyList<Device> devices)
    {
        if (devices.Count == 0) throw new ArgumentException("at least one device is needed");
        Devices = devices;
        _replicas = new TModule[devices.Count];
        for (int r = 0; r < devices.Count; r++)
        {
            _replicas[r] = create();
            _replicas[r].to(devices[r]);
        }
        _states = _replicas.Select(m => m.state_dict().Select(kv => (kv.Key, kv.Value)).ToArray()).ToArray();
        _parameters = _replicas.Select(m => m.parameters().ToArray()).ToArray();
        Broadcast();
    }

    public IReadOnlyList<Device> Devices { get; }

    /// <summary>Replica 0: the model the optimizer updates, evaluates and saves.</summary>
    public TModule Master => _replicas[0];

    public TModule Replica(int index) => _replicas[index];

    /// <summary>
    /// Splits a batch along dim 0 as <c>torch.chunk</c> does (ceil(B/n) per replica; fewer replicas get work when
    /// B &lt; n) and returns, per working replica, its slice moved to its device.
    /// </summary>
    public IReadOnlyList<Tensor> Scatter(Tensor batch)
    {
        var chunks = batch.chunk(Math.Min(_replicas.Length, batch.shape[0]), 0);
        return chunks.Select((c, r) => c.to(Devices[r])).ToArray();
    }

    /// <summary>
    /// One data-parallel forward and backward. <paramref name="lossOf"/> gets a replica index and returns its loss,
    /// already weighted by its share of the batch when the loss is a batch mean. Returns the per-replica scalars
    /// that <paramref name="lossOf"/> reports through its second result (e.g. loss terms), summed over replicas.
    /// </summary>
    public double[] ForwardBackward(int workingReplicas, Func<int, (Tensor Loss, double[] Report)> lossOf)
    {
        if (workingReplicas < 1 || workingReplicas > _replicas.Length) throw new ArgumentOutOfRangeException(nameof(workingReplicas));
        var reports = new double[workingReplicas][];
        if (workingReplicas == 1)
        {
            reports[0] = Step(0, lossOf);
        }
        else
        {
            // Dispose scopes and no_grad are thread-local, so each replica's thread opens its own.
            Parallel.For(0, workingReplicas, r => reports[r] = Step(r, lossOf));
            ReduceGradients(workingReplicas);
        }
        var total = new double[reports[0].Length];
        foreach (var report in reports)
            for (int i = 0; i < total.Length; i++) total[i] += report[i];
        return total;
    }

    private static double[] Step(int replica, Func<int, (Tensor Loss, double[] Report)> lossOf)
    {
        using var scope = NewDisposeScope();
        var (loss, report) = lossOf(replica);
        loss.backward();
        return report;
    }

    /// <summary>Adds the gradients of replicas 1..n-1 into replica 0's.</summary>
    private void ReduceGradients(int workingReplicas)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var master = _parameters[0];
        for (int r = 1; r < workingReplicas; r++)
            for (int i = 0; i < master.Length; i++)
            {
                var g = _parameters[r][i].grad;
                if (g is null) continue;
                var onMaster = g.to(Devices[0]);
                if (master[i].grad is { } mg) mg.add_(onMaster, Scalars.One);
                else master[i].grad = onMaster.clone().DetachFromDisposeScope();
            }
    }

    /// <summary>Copies replica 0's parameters and buffers to every other replica and clears their gradients.</summary>
    public void Broadcast()
    {
        if (_replicas.Length == 1) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var master = _states[0];
        for (int r = 1; r < _replicas.Length; r++)
        {
            for (int i = 0; i < master.Length; i++) _states[r][i].Tensor.copy_(master[i].Tensor);
            foreach (var p in _parameters[r]) p.grad = null;
        }
    }

    public void Dispose()
    {
        for (int r = 1; r < _replicas.Length; r++) _replicas[r].Dispose();
    }
}
