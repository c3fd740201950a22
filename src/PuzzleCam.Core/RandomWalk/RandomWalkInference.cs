using System.Runtime.InteropServices;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 5 for one image: the edge map of a trained AffinityNet on the original-size image (and its flip), padded to the edge canvas, the
/// stride-4 CAMs walked over it, then upsampled to the image and normalised by the global maximum. The result is the
/// <c>rw</c> array of the image's random-walk file. Single-threaded per instance as far as TorchSharp goes.
/// </summary>
public sealed class RandomWalkInference
{
    private readonly Normalize _normalize;

    /// <param name="model">A trained AffinityNet (a path index is not needed); it is put in eval mode.</param>
    /// <param name="options">β, exp_times and the walk's mode.</param>
    /// <param name="device">The model's device (CPU when null).</param>
    /// <param name="normalize">The image normalisation (ImageNet mean and std when null, as the reference).</param>
    public RandomWalkInference(AffinityNet model, RandomWalkOptions options, Device? device = null, Normalize? normalize = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        Device = device ?? CPU;
        _normalize = normalize ?? new Normalize();
    }

    public AffinityNet Model { get; }
    public RandomWalkOptions Options { get; }
    public Device Device { get; }

    /// <summary>The edge probabilities [1, ceil(H/4), ceil(W/4)] (CPU) of the image and its flip, as <c>get_edge</c> computes them.</summary>
    public Tensor Edge(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var chw = _normalize.Apply(image);
        var single = tensor(chw.Data, [1, 3, image.Height, image.Width]).to(Device);
        var pair = cat([single, single.flip(-1)], 0);
        return Model.GetEdge(pair, Options.EdgeCanvas).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The random-walk maps [K, H, W] of an image from its stride-4 CAMs (<c>cam</c> of the stage-2 file,
    /// K × ceil(H/4) × ceil(W/4)).
    /// </summary>
    public ClassMaps Run(RgbImage image, ClassMaps cam)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(cam);
        int h = (image.Height - 1) / RandomWalkPropagation.Stride + 1, w = (image.Width - 1) / RandomWalkPropagation.Stride + 1;
        if (cam.Height != h || cam.Width != w)
            throw new ArgumentException($"'{CamFile.CamName}' is {cam.Height}x{cam.Width}; a {image.Height}x{image.Width} image needs {h}x{w} (stride {RandomWalkPropagation.Stride})", nameof(cam));
        using var scope = NewDisposeScope();
        using var edge = Edge(image);
        var edgeValues = MemoryMarshal.Cast<byte, float>(edge.contiguous().bytes).ToArray();
        var walked = RandomWalkPropagation.Propagate(cam.Values, cam.Classes, h, w, edgeValues, Options);
        var up = RandomWalkPropagation.UpsampleAndNormalize(tensor(walked, [cam.Classes, 1, h, w]), image.Height, image.Width);
        return new ClassMaps(cam.Classes, image.Height, image.Width, MemoryMarshal.Cast<byte, float>(up.bytes).ToArray());
    }

    /// <summary>The random-walk file of an image from its CAM file (same keys, <c>rw</c> only).</summary>
    public CamFile Run(RgbImage image, CamFile cams)
    {
        ArgumentNullException.ThrowIfNull(cams);
        var cam = cams.Cam ?? throw new ArgumentException($"the CAM file has no '{CamFile.CamName}' array", nameof(cams));
        return new CamFile(cams.Keys, RandomWalk: Run(image, cam));
    }
}
