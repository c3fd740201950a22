using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Interactive;

/// <summary>
/// A tensor shown as pictures: HW as one colour-mapped plane; CHW with 3 channels as RGB; any other CHW (CAMs, feature
/// maps) as one colour-mapped plane per channel; a leading batch dimension of 1 is dropped. Values are scaled to the
/// tensor's own min..max first, unless <see cref="Range"/> fixes it (CAMs: 0..1).
/// </summary>
public sealed record TensorImage(Tensor Tensor)
{
    /// <summary>Most planes drawn for a CHW tensor; the rest are counted in the caption.</summary>
    public const int MaxPlanes = 24;

    /// <summary>Largest side drawn; bigger tensors get only their description.</summary>
    public const int MaxSide = 2048;

    public ColorMap ColorMap { get; init; } = ColorMap.Viridis;

    /// <summary>Fixed value range for the colour scale, or null for the tensor's min..max.</summary>
    public (double Min, double Max)? Range { get; init; }

    public IReadOnlyList<string>? PlaneNames { get; init; }

    public string ToHtml()
    {
        using var scope = NewDisposeScope();
        var t = Tensor.detach();
        while (t.dim() > 3 && t.shape[0] == 1) t = t.squeeze(0);
        var description = Describe(Tensor);
        if (t.dim() is < 2 or > 3 || t.shape[^1] > MaxSide || t.shape[^2] > MaxSide || t.numel() == 0)
            return $"<div class=\"puzzlecam-tensor\">{Html.Note(description)}</div>";
        var values = t.cpu().to_type(ScalarType.Float32).contiguous();
        var (min, max) = Range ?? (values.min().item<float>(), values.max().item<float>());
        double span = max - min > 1e-12 ? max - min : 1;
        int h = (int)t.shape[^2], w = (int)t.shape[^1];
        var all = MemoryMarshal.Cast<byte, float>(values.bytes).ToArray();
        for (int i = 0; i < all.Length; i++) all[i] = (float)((all[i] - min) / span);
        var figures = new List<string>();
        int displayWidth = w < Html.TileWidth ? Html.TileWidth : Math.Min(w, 384);
        if (t.dim() == 2) figures.Add(Html.Figure(Html.Img(ColorMap.Apply(all, w, h), displayWidth), ""));
        else if (t.shape[0] == 3 && PlaneNames is null)
        {
            var image = new RgbImage(w, h);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < h * w; i++) image.Pixels[i * 3 + c] = (byte)Math.Round(Math.Clamp(all[c * h * w + i], 0, 1) * 255);
            figures.Add(Html.Figure(Html.Img(image, displayWidth), "RGB"));
        }
        else
        {
            int planes = (int)Math.Min(t.shape[0], MaxPlanes);
            for (int c = 0; c < planes; c++)
            {
                var name = PlaneNames is not null && c < PlaneNames.Count ? PlaneNames[c] : $"channel {c}";
                figures.Add(Html.Image(ColorMap.Apply(all.AsSpan(c * h * w, h * w), w, h), name, Math.Min(displayWidth, Html.TileWidth)));
            }
            if (t.shape[0] > planes) description += $"; the first {planes} of {t.shape[0]} channels shown";
        }
        var scale = string.Create(CultureInfo.InvariantCulture, $"{ColorMap.Name}: {min:G4} … {max:G4}");
        return $"<div class=\"puzzlecam-tensor\">{Html.Note(description)}{Html.Row(figures)}{Html.Note(scale)}</div>";
    }

    public static string Describe(Tensor t) =>
        $"Tensor {t.dtype} [{string.Join(", ", t.shape)}] on {t.device}" + (t.requires_grad ? ", requires grad" : "");
}

/// <summary>Shortcuts for notebooks.</summary>
public static class TensorImageExtensions
{
    /// <summary>The tensor as pictures with a colour map, e.g. <c>cams.AsImage(ColorMap.Jet, (0, 1))</c>.</summary>
    public static TensorImage AsImage(this Tensor tensor, ColorMap? colorMap = null, (double Min, double Max)? range = null, IReadOnlyList<string>? planeNames = null) =>
        new(tensor) { ColorMap = colorMap ?? ColorMap.Viridis, Range = range, PlaneNames = planeNames };
}
