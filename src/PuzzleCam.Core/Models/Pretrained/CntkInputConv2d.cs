using TorchSharp.Modules;

namespace PuzzleCam.Models.Pretrained;

/// <summary>How the CNTK network's mean is taken off the image.</summary>
public enum CntkMeanSubtraction
{
    /// <summary>
    /// One value per channel, the average of the stored mean image (B 103.06, G 115.90, R 123.15): any input
    /// size, and a shifted image gives shifted features, which Puzzle-CAM's tiling relies on.
    /// </summary>
    ChannelMeans,

    /// <summary>
    /// The stored 224×224 mean image itself, as ML.NET's featuriser runs the network; only 224×224 inputs. For
    /// reproducing the ImageNet network exactly.
    /// </summary>
    MeanImage,
}

/// <summary>
/// <c>conv1</c> of the CNTK ResNet with the change of input convention in front of it. The network was trained on
/// B, G, R values on the 0..255 scale minus a mean; the pipeline feeds R, G, B normalised per channel as
/// <c>(v/255 − mean_c)/std_c</c>. Per channel that is the affine map <c>255·std_c·x + 255·mean_c − m_c</c>; the
/// channel reversal is folded into the weight (its input channels are stored in R, G, B order, as torchvision's).
/// The conversion happens before the zero padding, so the border sees the zeros the network was trained with.
/// The conversion tensors are non-persistent buffers: the state dict holds <c>weight</c> only.
/// </summary>
internal sealed class CntkInputConv2d : nn.Module<Tensor, Tensor>
{
    private readonly bool _subtractsImage;
    private readonly long _stride, _padding;

    /// <param name="outChannels">Filters of the convolution.</param>
    /// <param name="kernel">Square kernel size; the padding is kernel/2 on every side.</param>
    /// <param name="stride">Stride on both axes.</param>
    /// <param name="scale">[3] per-channel factor, R, G, B.</param>
    /// <param name="shift">[3] per-channel offset, R, G, B.</param>
    /// <param name="meanImage">[1, 3, H, W] in R, G, B order, subtracted after the affine map (the module takes it over); null for none.</param>
    public CntkInputConv2d(long outChannels, long kernel, long stride, float[] scale, float[] shift, Tensor? meanImage)
        : base(nameof(CntkInputConv2d))
    {
        _stride = stride;
        _padding = kernel / 2;
        // Registered by hand: RegisterComponents would make every tensor field a persistent buffer. The tensors leave
        // any dispose scope the network is built in, as the built-in modules' do. Moving the module to another
        // device or type replaces the registered tensors, so forward looks them up by name.
        var weight = new Parameter(empty(outChannels, 3, kernel, kernel));
        weight.DetachFromDisposeScope();
        register_parameter("weight", weight);
        register_buffer("scale", tensor(scale, [1, 3, 1, 1]).DetachFromDisposeScope(), persistent: false);
        register_buffer("shift", tensor(shift, [1, 3, 1, 1]).DetachFromDisposeScope(), persistent: false);
        if (meanImage is not null)
        {
            _subtractsImage = true;
            register_buffer("mean_image", meanImage.DetachFromDisposeScope(), persistent: false);
        }
    }

    public Parameter Weight => get_parameter("weight")!;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = torch.addcmul(get_buffer("shift")!, x, get_buffer("scale")!, Scalars.One);
        if (_subtractsImage)
        {
            var mean = get_buffer("mean_image")!;
            if (x.shape[2] != mean.shape[2] || x.shape[3] != mean.shape[3])
                throw new ArgumentException($"the mean-image input convention needs {mean.shape[2]}×{mean.shape[3]} images, got {x.shape[2]}×{x.shape[3]}", nameof(x));
            y = y.sub_(mean);
        }
        return nn.functional.conv2d(y, Weight, strides: [_stride, _stride], padding: [_padding, _padding]).MoveToOuterDisposeScope();
    }
}
