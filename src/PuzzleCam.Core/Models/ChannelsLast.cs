namespace PuzzleCam.Models;

/// <summary>
/// The memory layout the backbones compute in. On the CPU, libtorch's oneDNN convolutions run about 20 % faster on
/// channels-last (NHWC) tensors than on NCHW ones, and once the input is channels-last every convolution, norm and
/// activation after it keeps that layout. TorchSharp 0.107 has no <c>memory_format</c> argument, so the layout is made
/// by permuting to NHWC, densifying and permuting back: the strides are then exactly torch.channels_last's. On CUDA the
/// input is left as it is: that path has not been measured. The convolution weights follow the input (see
/// <see cref="ConvertWeights"/>): with NCHW weights every backward step converts each weight gradient back to NCHW.
/// </summary>
public static class ChannelsLast
{
    /// <summary><paramref name="x"/> (N, C, H, W) in the layout the CPU convolutions are fastest in; other tensors unchanged.</summary>
    public static Tensor ForConvolution(Tensor x) =>
        x.device_type == DeviceType.CPU && x.dim() == 4 && !IsChannelsLast(x) ? Relayout(x) : x;

    /// <summary>
    /// Re-lays every 4-D parameter of <paramref name="module"/> that lives on the CPU out as channels-last, in place:
    /// the same parameters (optimizers and replicas keep their references) and the same values, new strides. Loading a
    /// checkpoint copies into them and keeps the layout; saving writes them densified in the standard layout.
    /// </summary>
    public static void ConvertWeights(nn.Module module)
    {
        // Holds the relaid copies until set_ returns: unheld, a GC could free one while libtorch reads it.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var p in module.parameters())
            if (p.device_type == DeviceType.CPU && p.dim() == 4 && !IsChannelsLast(p))
                p.set_(Relayout(p));
    }

    private static Tensor Relayout(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Whether a 4-D tensor is dense with channels innermost (dimensions of size one may have any stride, as in PyTorch).</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        var (shape, strides) = (x.shape, x.stride());
        long expected = 1;
        foreach (int d in (ReadOnlySpan<int>)[1, 3, 2, 0])
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }
}
