namespace PuzzleCam.Models;

/// <summary>
/// The torchvision-layout bottleneck ("v1.5": the stride sits on the 3x3 convolution): 1x1 reduce, 3x3, 1x1 expand
/// by 4, each followed by a norm, plus the residual (through <c>downsample</c> when the shape changes).
/// </summary>
public sealed class ResNetBottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    public ResNetBottleneck(long inplanes, long planes, long stride, long dilation, nn.Module<Tensor, Tensor>? downsample, NormFactory norm)
        : base(nameof(ResNetBottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = norm(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn2 = norm(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = norm(planes * Expansion);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)), inplace: true);
        y = nn.functional.relu(bn2.forward(conv2.forward(y)), inplace: true);
        y = bn3.forward(conv3.forward(y));
        var residual = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.add_(residual, Scalars.One), inplace: true).MoveToOuterDisposeScope();
    }
}
