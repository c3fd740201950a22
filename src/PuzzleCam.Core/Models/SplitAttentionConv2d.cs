namespace PuzzleCam.Models;

/// <summary>
/// ResNeSt's split-attention convolution (cardinality 1): a grouped convolution produces <c>radix</c> feature
/// splits; their sum is pooled and passed through two 1x1 convolutions that give, per channel, softmax weights over
/// the splits; the output is the weighted sum of the splits. Children <c>conv</c>, <c>bn0</c>, <c>fc1</c>,
/// <c>bn1</c>, <c>fc2</c> as in the reference.
/// </summary>
public sealed class SplitAttentionConv2d : nn.Module<Tensor, Tensor>
{
    private const int ReductionFactor = 4;
    private const int MinInterChannels = 32;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv, bn0, fc1, bn1, fc2;
    private readonly long _channels;
    private readonly int _radix;

    public SplitAttentionConv2d(long inChannels, long channels, long kernelSize, long stride, long padding, long dilation, int radix, NormFactory norm)
        : base(nameof(SplitAttentionConv2d))
    {
        if (radix < 2) throw new ArgumentOutOfRangeException(nameof(radix), radix, "split attention needs at least two splits");
        _channels = channels;
        _radix = radix;
        long inter = Math.Max(inChannels * radix / ReductionFactor, MinInterChannels);
        conv = nn.Conv2d(inChannels, channels * radix, kernelSize, stride: stride, padding: padding, dilation: dilation, groups: radix, bias: false);
        bn0 = norm(channels * radix);
        fc1 = nn.Conv2d(channels, inter, 1);
        bn1 = norm(inter);
        fc2 = nn.Conv2d(inter, channels * radix, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var features = nn.functional.relu(bn0.forward(conv.forward(x)));
        var splits = features.split(_channels, dim: 1);
        var pooled = nn.functional.adaptive_avg_pool2d(Sum(splits), 1);
        var gate = nn.functional.relu(bn1.forward(fc1.forward(pooled)));
        long batch = x.shape[0];
        // (B, radix*C) -> (B, radix, C): softmax across the splits, channel by channel (the reference's rSoftMax).
        var attention = fc2.forward(gate).view(batch, 1, _radix, -1).transpose(1, 2).softmax(1).reshape(batch, -1, 1, 1);
        var weights = attention.split(_channels, dim: 1);
        var output = weights[0] * splits[0];
        for (int r = 1; r < _radix; r++) output = output.add(weights[r] * splits[r], Scalars.One);
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor Sum(Tensor[] parts)
    {
        var total = parts[0];
        for (int i = 1; i < parts.Length; i++) total = total.add(parts[i], Scalars.One);
        return total;
    }
}
