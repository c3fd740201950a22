using TorchSharp.Modules;

namespace PuzzleCam.Models;

/// <summary>
/// How the backbone normalises (the reference's <c>--mode</c>): <see cref="Normal"/> is BatchNorm that uses batch
/// statistics in training mode; <see cref="Fix"/> is <see cref="FixedBatchNorm2d"/>, which always uses the running
/// statistics.
/// </summary>
public enum NormMode
{
    Normal,
    Fix,
}

/// <summary>Builds one normalisation layer for a given channel count.</summary>
public delegate nn.Module<Tensor, Tensor> NormFactory(long channels);

/// <summary>The normalisation layers the networks are built from.</summary>
public static class Normalization
{
    /// <summary>Number of groups of every GroupNorm in the reference (edge branches, DeepLab heads with GN).</summary>
    public const int ReferenceGroups = 4;

    /// <summary>
    /// The reference's reading of <c>--mode</c>: exactly "fix" selects frozen statistics; any other value, "normal"
    /// included, plain BatchNorm.
    /// </summary>
    public static NormMode ParseMode(string mode) =>
        string.Equals(mode, "fix", StringComparison.Ordinal) ? NormMode.Fix : NormMode.Normal;

    /// <summary>The <c>--mode</c> word of <paramref name="mode"/>.</summary>
    public static string ModeName(NormMode mode) => mode == NormMode.Fix ? "fix" : "normal";

    /// <summary>The BatchNorm variant of <paramref name="mode"/> (eps 1e-5, momentum 0.1).</summary>
    public static NormFactory BatchNorm(NormMode mode) => mode switch
    {
        NormMode.Fix => c => new FixedBatchNorm2d(c),
        _ => c => new BatchNorm2d(c),
    };

    /// <summary>GroupNorm with <paramref name="groups"/> groups, scale one and shift zero.</summary>
    public static NormFactory GroupNorm(int groups = ReferenceGroups) => c => CreateGroupNorm(groups, c);

    /// <summary>
    /// TorchSharp 0.107 leaves GroupNorm's affine tensors uninitialised (garbage, sometimes NaN), whereas PyTorch
    /// starts them at one and zero; every GroupNorm of the project is made here.
    /// </summary>
    public static GroupNorm CreateGroupNorm(long groups, long channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        using (no_grad())
        {
            norm.weight!.fill_(Scalars.One);
            norm.bias!.zero_();
        }
        return norm;
    }
}

/// <summary>
/// PyTorch's BatchNorm2d (eps 1e-5, momentum 0.1). TorchSharp's own counts batches with
/// <c>num_batches_tracked.add_(1)</c>, whose temporary Scalar a GC can free while libtorch reads it (see
/// <see cref="Scalars"/>); this one counts with a held Scalar and otherwise normalises exactly as TorchSharp's does.
/// </summary>
public sealed class BatchNorm2d : BatchNorm
{
    private const double Momentum = 0.1;

    public BatchNorm2d(long numFeatures)
        : base(numFeatures, eps: 1e-5, momentum: Momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: nameof(BatchNorm2d))
    {
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"expected 4D input (got {input.ndim}D input)", nameof(input));
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        if (training) num_batches_tracked!.add_(Scalars.One, Scalars.One);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, eps);
    }
}

/// <summary>
/// The reference's FixedBatchNorm: a BatchNorm2d whose forward always normalises with the running statistics
/// (eps 1e-5), in training mode too, so the statistics never move. The affine scale and shift stay trainable
/// parameters (the reference trains them); the state-dict keys are those of BatchNorm2d.
/// </summary>
public sealed class FixedBatchNorm2d : nn.Module<Tensor, Tensor>
{
    // Field names are the state-dict keys: TorchSharp registers and re-binds tensors by field name.
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
    private readonly double _eps;

    public FixedBatchNorm2d(long numFeatures, double eps = 1e-5) : base(nameof(FixedBatchNorm2d))
    {
        NumFeatures = numFeatures;
        _eps = eps;
        weight = new Parameter(ones(numFeatures));
        bias = new Parameter(zeros(numFeatures));
        running_mean = zeros(numFeatures);
        running_var = ones(numFeatures);
        num_batches_tracked = tensor(0L);
        RegisterComponents();
    }

    public long NumFeatures { get; }

    public override Tensor forward(Tensor input) =>
        nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training: false, momentum: 0.1, eps: _eps);
}
