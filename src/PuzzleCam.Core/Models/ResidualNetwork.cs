namespace PuzzleCam.Models;

/// <summary>
/// A ResNet-family backbone laid out as the reference's sub-module <c>model</c>: a stem (<c>conv1</c>, <c>bn1</c>,
/// ReLU, 3x3/2 max-pool) and four residual layers <c>layer1</c>..<c>layer4</c>, with no pooling or fc head. The five
/// stages of the reference (stage1 = stem, stage2..5 = layer1..4) are exposed one by one. Built by
/// <see cref="Backbones"/>.
/// </summary>
public sealed class ResidualNetwork : nn.Module<Tensor, Tensor>
{
    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, maxpool, layer1, layer2, layer3, layer4;

    internal ResidualNetwork(BackboneArchitecture architecture, nn.Module<Tensor, Tensor> conv1, long stemChannels,
        NormFactory norm, nn.Module<Tensor, Tensor>[] layers, long expansion = ResNetBottleneck.Expansion)
        : base(architecture.Name)
    {
        Architecture = architecture;
        StemChannels = stemChannels;
        Expansion = expansion;
        if (layers.Length != 4) throw new ArgumentException("a residual network has four layers", nameof(layers));
        this.conv1 = conv1;
        bn1 = norm(stemChannels);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        (layer1, layer2, layer3, layer4) = (layers[0], layers[1], layers[2], layers[3]);
        RegisterComponents();
    }

    public BackboneArchitecture Architecture { get; }

    /// <summary>Channels of stage 1 (the stem): 64, or 128 for the deep stems of ResNeSt-101 and larger.</summary>
    public long StemChannels { get; }

    /// <summary>Channels of a block's output per plane: 4 for bottlenecks, 1 for basic blocks.</summary>
    public long Expansion { get; }

    /// <summary>Channels of the last stage, the map the heads are built on.</summary>
    public long FeatureChannels => StageChannels(5);

    /// <summary>Output channels of stage <paramref name="stage"/> (1..5).</summary>
    public long StageChannels(int stage) => stage switch
    {
        1 => StemChannels,
        >= 2 and <= 5 => (64 * Expansion) << (stage - 2),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "stages are numbered 1..5"),
    };

    /// <summary>Runs stage <paramref name="stage"/> (1 = stem at stride 4, 2..5 = layer1..4) on its input.</summary>
    public Tensor Stage(int stage, Tensor x)
    {
        if (stage == 1)
        {
            using var scope = NewDisposeScope();
            if (x.device_type == DeviceType.CPU && !ChannelsLast.IsChannelsLast(conv1.parameters().First())) ChannelsLast.ConvertWeights(this);
            return maxpool.forward(nn.functional.relu(bn1.forward(conv1.forward(ChannelsLast.ForConvolution(x))), inplace: true)).MoveToOuterDisposeScope();
        }
        return stage switch
        {
            2 => layer1.forward(x),
            3 => layer2.forward(x),
            4 => layer3.forward(x),
            5 => layer4.forward(x),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "stages are numbered 1..5"),
        };
    }

    /// <summary>All five stages: a <see cref="FeatureChannels"/>-channel map at stride 16.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = x;
        for (int stage = 1; stage <= 5; stage++) y = Stage(stage, y);
        return y.MoveToOuterDisposeScope();
    }
}
