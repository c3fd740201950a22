namespace PuzzleCam.Models;

/// <summary>
/// The stage-7 segmentation network: backbone at output stride 16, ASPP on stage 5, a decoder that fuses the ASPP
/// output with the stage-2 features, and a final bilinear resize (align_corners) to the input size.
/// </summary>
public sealed class DeepLabV3Plus : BackboneNetwork<Tensor>
{
    /// <summary>Background plus the 20 VOC classes.</summary>
    public const int DefaultClasses = 21;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly AtrousSpatialPyramidPooling aspp;
    private readonly DeepLabDecoder decoder;

    /// <param name="backbone">The backbone (its norm is the reference's <c>mode</c>).</param>
    /// <param name="headNorm">Norm of the ASPP and decoder: GroupNorm(4) with <c>use_gn</c>, else the backbone's.</param>
    /// <param name="numClasses">Output channels.</param>
    public DeepLabV3Plus(ResidualNetwork backbone, NormFactory headNorm, int numClasses = DefaultClasses)
        : base(nameof(DeepLabV3Plus), backbone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        NumClasses = numClasses;
        aspp = new AtrousSpatialPyramidPooling(backbone.FeatureChannels, outputStride: 16, headNorm);
        decoder = new DeepLabDecoder(numClasses, backbone.StageChannels(2), headNorm);
        RegisterComponents();
    }

    /// <summary>The reference's <c>DeepLabv3_Plus(backbone, num_classes, mode, use_group_norm)</c>.</summary>
    public static DeepLabV3Plus Create(string architecture, NormMode mode, bool useGroupNorm, int numClasses = DefaultClasses)
    {
        var backboneNorm = Normalization.BatchNorm(mode);
        var headNorm = useGroupNorm ? Normalization.GroupNorm() : backboneNorm;
        return new DeepLabV3Plus(Backbones.Create(architecture, backboneNorm), headNorm, numClasses);
    }

    public int NumClasses { get; }

    public AtrousSpatialPyramidPooling Aspp => aspp;

    public DeepLabDecoder Decoder => decoder;

    /// <summary>Per-pixel class logits [B, classes, H, W] for images [B, 3, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var lowLevel = Stage(2, Stage(1, x));
        var high = Stage(5, Stage(4, Stage(3, lowLevel)));
        var logits = decoder.forward(aspp.forward(high), lowLevel);
        return nn.functional.interpolate(logits, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Bilinear, align_corners: true)
            .contiguous().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// ASPP: four parallel convolutions (1x1 and three dilated 3x3) and an image-pooling branch, concatenated and
/// projected to 256 channels, then dropout 0.5.
/// </summary>
public sealed class AtrousSpatialPyramidPooling : nn.Module<Tensor, Tensor>
{
    public const long Channels = 256;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly AsppBranch aspp1, aspp2, aspp3, aspp4;
    private readonly nn.Module<Tensor, Tensor> global_avg_pool, conv1, bn1, dropout;

    public AtrousSpatialPyramidPooling(long inChannels, int outputStride, NormFactory norm) : base(nameof(AtrousSpatialPyramidPooling))
    {
        long[] dilations = outputStride switch
        {
            16 => [1, 6, 12, 18],
            8 => [1, 12, 24, 36],
            _ => throw new ArgumentOutOfRangeException(nameof(outputStride), outputStride, "ASPP supports output stride 8 or 16"),
        };
        aspp1 = new AsppBranch(inChannels, Channels, 1, dilations[0], norm);
        aspp2 = new AsppBranch(inChannels, Channels, 3, dilations[1], norm);
        aspp3 = new AsppBranch(inChannels, Channels, 3, dilations[2], norm);
        aspp4 = new AsppBranch(inChannels, Channels, 3, dilations[3], norm);
        var poolConv = nn.Conv2d(inChannels, Channels, 1, bias: false);
        HeadInit.HeNormal(poolConv.weight!);
        global_avg_pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), poolConv, norm(Channels), nn.ReLU());
        var projection = nn.Conv2d(5 * Channels, Channels, 1, bias: false);
        HeadInit.HeNormal(projection.weight!);
        conv1 = projection;
        bn1 = norm(Channels);
        dropout = nn.Dropout(0.5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b4 = aspp4.forward(x);
        // In the backbone's layout: concatenating one NCHW branch with channels-last ones makes the whole 1,280-channel
        // map, and every layer after it, NCHW.
        var pooled = ChannelsLast.ForConvolution(nn.functional.interpolate(global_avg_pool.forward(x), size: [b4.shape[2], b4.shape[3]],
            mode: InterpolationMode.Bilinear, align_corners: true));
        var joined = cat([aspp1.forward(x), aspp2.forward(x), aspp3.forward(x), b4, pooled], 1);
        return dropout.forward(nn.functional.relu(bn1.forward(conv1.forward(joined)))).MoveToOuterDisposeScope();
    }
}

/// <summary>One ASPP branch: a (dilated) bias-free convolution, norm, ReLU.</summary>
public sealed class AsppBranch : nn.Module<Tensor, Tensor>
{
    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> atrous_conv, bn;

    public AsppBranch(long inChannels, long outChannels, long kernelSize, long dilation, NormFactory norm) : base(nameof(AsppBranch))
    {
        long padding = kernelSize == 1 ? 0 : dilation;
        var conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: 1, padding: padding, dilation: dilation, bias: false);
        HeadInit.HeNormal(conv.weight!);
        atrous_conv = conv;
        bn = norm(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.relu(bn.forward(atrous_conv.forward(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The DeepLabv3+ decoder: low-level features reduced to 48 channels, the ASPP output upsampled (align_corners) to
/// their size, concatenated, two 3x3 convolutions with dropout 0.5 / 0.1, and a 1x1 classifier with bias.
/// </summary>
public sealed class DeepLabDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private const long LowLevelChannels = 48;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, classifier;

    public DeepLabDecoder(int numClasses, long lowLevelInChannels, NormFactory norm) : base(nameof(DeepLabDecoder))
    {
        var reduce = nn.Conv2d(lowLevelInChannels, LowLevelChannels, 1, bias: false);
        HeadInit.HeNormal(reduce.weight!);
        conv1 = reduce;
        bn1 = norm(LowLevelChannels);
        long fused = AtrousSpatialPyramidPooling.Channels + LowLevelChannels;
        var first = nn.Conv2d(fused, 256, 3, stride: 1, padding: 1, bias: false);
        var second = nn.Conv2d(256, 256, 3, stride: 1, padding: 1, bias: false);
        var last = nn.Conv2d(256, numClasses, 1, stride: 1);
        foreach (var conv in new[] { first, second, last }) HeadInit.HeNormal(conv.weight!);
        classifier = nn.Sequential(
            first, norm(256), nn.ReLU(), nn.Dropout(0.5),
            second, norm(256), nn.ReLU(), nn.Dropout(0.1),
            last);
        RegisterComponents();
    }

    /// <summary>Class logits at the low-level resolution (stride 4).</summary>
    public override Tensor forward(Tensor asppOutput, Tensor lowLevel)
    {
        using var scope = NewDisposeScope();
        var low = nn.functional.relu(bn1.forward(conv1.forward(lowLevel)));
        var up = nn.functional.interpolate(asppOutput, size: [low.shape[2], low.shape[3]], mode: InterpolationMode.Bilinear, align_corners: true);
        return classifier.forward(cat([up, low], 1)).MoveToOuterDisposeScope();
    }
}
