namespace PuzzleCam.Models;

/// <summary>The two backbone families of the reference.</summary>
public enum BackboneFamily
{
    /// <summary>torchvision-layout ResNet with strides (2,2,2,1) and no dilation.</summary>
    ResNet,

    /// <summary>ResNeSt (radix 2, deep stem, avg_down, avd) in the reference's dilation = 2 setting.</summary>
    ResNeSt,

    /// <summary>ML.NET's ImageNet ResNet-18 (CNTK, basic blocks), weights loaded offline: <see cref="Pretrained.PretrainedResNet18"/>.</summary>
    CntkResNet,
}

/// <summary>A named backbone: its family, blocks per layer and (ResNeSt) deep-stem width.</summary>
public sealed record BackboneArchitecture(string Name, BackboneFamily Family, IReadOnlyList<int> Layers, int StemWidth)
{
    /// <summary>Whether the backbone comes with its ImageNet weights (the offline ResNet-18); the others need <c>--pretrained</c> for them.</summary>
    public bool BringsOwnWeights => Family == BackboneFamily.CntkResNet;
}

/// <summary>
/// Builders for the backbones of the reference (the sub-module <c>model</c> of every network), all at output
/// stride 16, with the reference's module and key names so that ImageNet and experiment checkpoints load by name.
/// </summary>
public static class Backbones
{
    private const int Radix = 2;

    /// <summary>Every architecture name the reference accepts for its backbones.</summary>
    public static IReadOnlyList<BackboneArchitecture> Architectures { get; } =
    [
        new("resnet50", BackboneFamily.ResNet, [3, 4, 6, 3], 0),
        new("resnet101", BackboneFamily.ResNet, [3, 4, 23, 3], 0),
        new("resnet152", BackboneFamily.ResNet, [3, 8, 36, 3], 0),
        new("resnest50", BackboneFamily.ResNeSt, [3, 4, 6, 3], 32),
        new("resnest101", BackboneFamily.ResNeSt, [3, 4, 23, 3], 64),
        new("resnest200", BackboneFamily.ResNeSt, [3, 24, 36, 3], 64),
        new("resnest269", BackboneFamily.ResNeSt, [3, 30, 48, 8], 64),
        new("resnet18", BackboneFamily.CntkResNet, [2, 2, 2, 3], 0),
    ];

    /// <summary>The architecture called <paramref name="name"/> (e.g. "resnest101").</summary>
    public static BackboneArchitecture Find(string name) =>
        Architectures.FirstOrDefault(a => a.Name == name)
        ?? throw new BadInputException($"--architecture: unknown backbone '{name}'; expected one of {string.Join(", ", Architectures.Select(a => a.Name))}");

    /// <summary>Builds the backbone called <paramref name="name"/> with the given norm layers.</summary>
    public static ResidualNetwork Create(string name, NormFactory norm) => Create(Find(name), norm);

    public static ResidualNetwork Create(BackboneArchitecture architecture, NormFactory norm) => architecture.Family switch
    {
        BackboneFamily.ResNet => BuildResNet(architecture, norm),
        BackboneFamily.CntkResNet => Pretrained.PretrainedResNet18.Create(architecture, norm, new()),
        _ => BuildResNeSt(architecture, norm),
    };

    private static ResidualNetwork BuildResNet(BackboneArchitecture arch, NormFactory norm)
    {
        const long stem = 64;
        var conv1 = nn.Conv2d(3, stem, 7, stride: 2, padding: 3, bias: false);
        long inplanes = stem;
        long[] planes = [64, 128, 256, 512];
        long[] strides = [1, 2, 2, 1];
        var layers = new nn.Module<Tensor, Tensor>[4];
        for (int l = 0; l < 4; l++)
        {
            long outChannels = planes[l] * ResNetBottleneck.Expansion;
            nn.Module<Tensor, Tensor>? downsample = null;
            if (strides[l] != 1 || inplanes != outChannels)
                downsample = nn.Sequential(nn.Conv2d(inplanes, outChannels, 1, stride: strides[l], bias: false), norm(outChannels));
            var blocks = new List<nn.Module<Tensor, Tensor>> { new ResNetBottleneck(inplanes, planes[l], strides[l], 1, downsample, norm) };
            inplanes = outChannels;
            for (int b = 1; b < arch.Layers[l]; b++) blocks.Add(new ResNetBottleneck(inplanes, planes[l], 1, 1, null, norm));
            layers[l] = nn.Sequential(blocks);
        }
        return Initialise(new ResidualNetwork(arch, conv1, stem, norm, layers));
    }

    private static ResidualNetwork BuildResNeSt(BackboneArchitecture arch, NormFactory norm)
    {
        long w = arch.StemWidth;
        var conv1 = nn.Sequential(
            nn.Conv2d(3, w, 3, stride: 2, padding: 1, bias: false), norm(w), nn.ReLU(),
            nn.Conv2d(w, w, 3, stride: 1, padding: 1, bias: false), norm(w), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 3, stride: 1, padding: 1, bias: false));
        long inplanes = 2 * w;
        long[] planes = [64, 128, 256, 512];
        // The reference's dilation = 2 switch: layer3 keeps stride 2, layer4 has stride 1 and dilation 2 except in its
        // first block; layer1 is built with is_first = False, so it has no avd pool.
        long[] strides = [1, 2, 2, 1];
        long[] dilations = [1, 1, 1, 2];
        bool[] isFirst = [false, true, true, true];
        var layers = new nn.Module<Tensor, Tensor>[4];
        for (int l = 0; l < 4; l++)
        {
            long outChannels = planes[l] * ResNeStBottleneck.Expansion;
            nn.Module<Tensor, Tensor>? downsample = null;
            if (strides[l] != 1 || inplanes != outChannels)
            {
                // avg_down: the pooling does the striding so the 1x1 projection sees every pixel; with dilation the
                // pool degenerates to 1x1.
                var pool = dilations[l] == 1
                    ? nn.AvgPool2d(strides[l], stride: strides[l], ceil_mode: true, count_include_pad: false)
                    : nn.AvgPool2d(1, stride: 1, ceil_mode: true, count_include_pad: false);
                downsample = nn.Sequential(pool, nn.Conv2d(inplanes, outChannels, 1, stride: 1, bias: false), norm(outChannels));
            }
            var blocks = new List<nn.Module<Tensor, Tensor>>
            {
                new ResNeStBottleneck(inplanes, planes[l], strides[l], 1, isFirst[l], Radix, downsample, norm),
            };
            inplanes = outChannels;
            for (int b = 1; b < arch.Layers[l]; b++)
                blocks.Add(new ResNeStBottleneck(inplanes, planes[l], 1, dilations[l], false, Radix, null, norm));
            layers[l] = nn.Sequential(blocks);
        }
        return Initialise(new ResidualNetwork(arch, conv1, 2 * w, norm, layers));
    }

    /// <summary>
    /// The backbones' own initialisation (He-normal over fan-out for convolutions, norms at one and zero); only seen
    /// when no ImageNet weights are loaded afterwards.
    /// </summary>
    private static ResidualNetwork Initialise(ResidualNetwork network)
    {
        using (no_grad())
        {
            foreach (var (_, module) in network.named_modules())
            {
                if (module is TorchSharp.Modules.Conv2d conv)
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            }
        }
        return network;
    }
}
