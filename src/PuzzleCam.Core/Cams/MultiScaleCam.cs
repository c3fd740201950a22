using System.Runtime.InteropServices;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Cams;

/// <summary>One scale of an image as the network sees it: the Pillow-resized pixels and their normalised CHW floats.</summary>
public sealed record ScaledInput(double Scale, RgbImage Resized, ChwImage Normalized);

/// <summary>Every scale of one image, made on the CPU without torch, so that a worker thread can prepare the next image.</summary>
public sealed record CamInputs(int Width, int Height, IReadOnlyList<ScaledInput> Scales);

/// <summary>
/// What one scale produced inside <see cref="MultiScaleCam.Compute(CamInputs, float[], Action{CamScaleStep}?)"/>: the
/// flip pair fed to the network [2, 3, h, w], its raw CAM logits [2, C, ceil(h/16), ceil(w/16)] and the flip-summed CAM
/// [C, ceil(h/16), ceil(w/16)] of every class. The tensors live on the model's device and are freed when the call returns.
/// </summary>
public sealed record CamScaleStep(ScaledInput Input, Tensor Batch, Tensor Features, Tensor Cam);

/// <summary>
/// The per-image computation of CAM inference. For each scale the image is resized with Pillow's bicubic
/// filter to the scale times its size (Python's round, half to even), normalised, and run as a batch of two with its
/// mirror; the scale's CAM is ReLU(f[0]) + mirror(ReLU(f[1])). The scales' CAMs are resized bilinearly (align_corners
/// off) to the stride-4 grid, ceil(H/4) x ceil(W/4), and to the stride-16-rounded image size (then cropped to H x W),
/// and summed; each present class's map is divided by its own maximum plus 1e-5.
/// </summary>
public sealed class MultiScaleCam
{
    /// <summary>The reference's divisor guard of the max normalisation.</summary>
    public const double MaxEpsilon = 1e-5;
    private static readonly Scalar MaxEpsilonScalar = MaxEpsilon;

    private static readonly Normalize Normalizer = new();

    private readonly Classifier _model;

    /// <summary>Puts <paramref name="model"/> in eval mode; it must already sit on <paramref name="device"/>.</summary>
    public MultiScaleCam(Classifier model, Device device, IReadOnlyList<double> scales)
    {
        if (scales.Count == 0) throw new ArgumentException("at least one scale is needed", nameof(scales));
        _model = model;
        _model.eval();
        Device = device;
        Scales = scales.ToArray();
    }

    public Device Device { get; }
    public IReadOnlyList<double> Scales { get; }

    /// <summary>The network input size (width, height) of an image at a scale: round(W·s), round(H·s), ties to even as Python's round.</summary>
    public static (int Width, int Height) ScaledSize(int width, int height, double scale)
    {
        int w = (int)Math.Round(width * scale, MidpointRounding.ToEven);
        int h = (int)Math.Round(height * scale, MidpointRounding.ToEven);
        if (w < 1 || h < 1)
            throw new ArgumentException(FormattableString.Invariant($"a {width}x{height} image at scale {scale} has no pixels left"), nameof(scale));
        return (w, h);
    }

    /// <summary>Size (height, width) of the saved <c>cam</c>: ceil(H/4) x ceil(W/4).</summary>
    public static (int Height, int Width) StridedSize(int height, int width) => ((height - 1) / 4 + 1, (width - 1) / 4 + 1);

    /// <summary>Size (height, width) the <c>hr_cam</c> is computed at before the crop: H and W rounded up to multiples of 16.</summary>
    public static (int Height, int Width) StridedUpSize(int height, int width) => (((height - 1) / 16 + 1) * 16, ((width - 1) / 16 + 1) * 16);

    /// <summary>Resizes and normalises the image for every scale. Thread-safe; touches no tensor.</summary>
    public CamInputs Prepare(RgbImage image)
    {
        var scales = new ScaledInput[Scales.Count];
        for (int i = 0; i < scales.Length; i++)
        {
            var (w, h) = ScaledSize(image.Width, image.Height, Scales[i]);
            var resized = PilResize.Bicubic(image, w, h);
            scales[i] = new ScaledInput(Scales[i], resized, Normalizer.Apply(resized));
        }
        return new CamInputs(image.Width, image.Height, scales);
    }

    /// <summary>The CAM file of an image whose present classes are the non-zero entries of <paramref name="tags"/>.</summary>
    public CamFile Compute(RgbImage image, float[] tags, Action<CamScaleStep>? inspect = null) => Compute(Prepare(image), tags, inspect);

    /// <summary>
    /// The CAM file of prepared inputs. <paramref name="inspect"/>, when given, sees each scale's tensors before they are
    /// reduced to the present classes.
    /// </summary>
    public CamFile Compute(CamInputs inputs, float[] tags, Action<CamScaleStep>? inspect = null)
    {
        var present = Enumerable.Range(0, tags.Length).Where(c => tags[c] != 0).Select(c => (long)c).ToArray();
        long[] keys = [0, .. present.Select(c => c + 1)];
        var (sh, sw) = StridedSize(inputs.Height, inputs.Width);
        var (uh, uw) = StridedUpSize(inputs.Height, inputs.Width);
        if (present.Length == 0)
            return new CamFile(keys, new ClassMaps(0, sh, sw, []), new ClassMaps(0, inputs.Height, inputs.Width, []));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var classes = tensor(present, device: Device);
        var strided = new List<Tensor>(inputs.Scales.Count);
        var highRes = new List<Tensor>(inputs.Scales.Count);
        foreach (var scaled in inputs.Scales)
        {
            var image = TensorCollate.Images([scaled.Normalized]).to(Device);
            var batch = cat([image, image.flip(-1)], 0);
            var features = _model.forward(batch).Features;
            var cam = nn.functional.relu(features[0]).add(nn.functional.relu(features[1]).flip(-1), Scalars.One);
            inspect?.Invoke(new CamScaleStep(scaled, batch, features, cam));
            // Resizing works plane by plane, so dropping the absent classes first changes no value and saves the work.
            var kept = cam.index_select(0, classes).unsqueeze(0);
            strided.Add(Resize(kept, sh, sw));
            highRes.Add(Resize(kept, uh, uw));
        }
        var camSum = stack(strided).sum(dim: 0);
        var hrSum = stack(highRes).sum(dim: 0).narrow(1, 0, inputs.Height).narrow(2, 0, inputs.Width);
        return new CamFile(keys, ToMaps(NormalizeByMax(camSum)), ToMaps(NormalizeByMax(hrSum)));
    }

    /// <summary>
    /// The CAM file of a shrunk copy of a <paramref name="width"/> x <paramref name="height"/> image brought back to the
    /// image's size: <c>cam</c> to its stride-4 grid and <c>hr_cam</c> to its pixels, bilinearly. Both stay within [0, 1].
    /// </summary>
    public static CamFile AtImageSize(CamFile cams, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(cams);
        var (sh, sw) = StridedSize(height, width);
        return cams with { Cam = cams.Cam?.Resized(sh, sw), HighResCam = cams.HighResCam?.Resized(height, width) };
    }

    private static Tensor Resize(Tensor maps, int height, int width) =>
        nn.functional.interpolate(maps, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false)[0];

    private static Tensor NormalizeByMax(Tensor maps) => maps / maps.amax([1, 2], keepdim: true).add(MaxEpsilonScalar, Scalars.One);

    private static ClassMaps ToMaps(Tensor maps)
    {
        var cpu = maps.cpu().contiguous();
        var values = MemoryMarshal.Cast<byte, float>(cpu.bytes).ToArray();
        return new ClassMaps((int)cpu.shape[0], (int)cpu.shape[1], (int)cpu.shape[2], values);
    }
}
