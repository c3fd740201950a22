namespace PuzzleCam.Models;

/// <summary>
/// The torchvision-layout basic block of the shallow ResNets: two 3×3 convolutions (the first one carrying the
/// stride), each followed by a norm, plus the residual (through <c>downsample</c> when the shape changes). It keeps
/// the channel count (expansion 1).
/// </summary>
public sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    // Field names are torchvision's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    public ResNetBasicBlock(long inplanes, long planes, long stride, nn.Module<Tensor, Tensor>? downsample, NormFactory norm)
        : base(nameof(ResNetBasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = norm(planes);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = norm(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)), inplace: true);
        y = bn2.forward(conv2.forward(y));
        var residual = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.add_(residual, Scalars.One), inplace: true).MoveToOuterDisposeScope();
    }
}
