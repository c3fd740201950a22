namespace PuzzleCam.Models;

/// <summary>
/// ResNeSt bottleneck (radix 2, cardinality 1, bottleneck width 64, avd after the split-attention convolution):
/// 1x1 reduce, split-attention 3x3, optional 3x3 average pool that carries the block's stride ("avd"), 1x1 expand
/// by 4, plus the residual.
/// </summary>
public sealed class ResNeStBottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, conv3, bn3;
    private readonly nn.Module<Tensor, Tensor>? avd_layer, downsample;

    /// <remarks><paramref name="isFirst"/> is the reference's <c>is_first</c>: with it, avd is active even at stride 1,
    /// which is how the first block of layer4 gets its stride-1 3x3 average pool.</remarks>
    public ResNeStBottleneck(long inplanes, long planes, long stride, long dilation, bool isFirst, int radix,
        nn.Module<Tensor, Tensor>? downsample, NormFactory norm)
        : base(nameof(ResNeStBottleneck))
    {
        long groupWidth = planes;
        conv1 = nn.Conv2d(inplanes, groupWidth, 1, bias: false);
        bn1 = norm(groupWidth);
        bool avd = stride > 1 || isFirst;
        if (avd)
        {
            avd_layer = nn.AvgPool2d(3, stride: stride, padding: 1);
            stride = 1;
        }
        conv2 = new SplitAttentionConv2d(groupWidth, groupWidth, 3, stride, dilation, dilation, radix, norm);
        conv3 = nn.Conv2d(groupWidth, planes * Expansion, 1, bias: false);
        bn3 = norm(planes * Expansion);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)), inplace: true);
        y = conv2.forward(y);
        if (avd_layer is not null) y = avd_layer.forward(y);
        y = bn3.forward(conv3.forward(y));
        var residual = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.add_(residual, Scalars.One), inplace: true).MoveToOuterDisposeScope();
    }
}
