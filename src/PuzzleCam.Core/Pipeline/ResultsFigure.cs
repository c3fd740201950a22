using PuzzleCam.Data;
using SkiaSharp;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The results figure of the reference README in miniature: a column per image, its picture, its ground truth and a
/// prediction in the VOC colours, one row each, and a legend naming the colour of every class the figure shows.
/// </summary>
public static class ResultsFigure
{
    private const int Gap = 6;
    private const float TextSize = 15;

    /// <summary>
    /// Draws <paramref name="ids"/> of the dataset at <paramref name="dataDir"/> with their predictions from
    /// <paramref name="predictionDir"/> (palette PNGs named by id) into a PNG at <paramref name="path"/>, each image
    /// shown <paramref name="zoom"/> times its size. The row names need a TrueType font from the system's font folders
    /// (Debian's fonts-dejavu-core); without one the figure is drawn without text.
    /// </summary>
    public static void Write(string path, string dataDir, IReadOnlyList<string> ids, string predictionDir, string predictionName, int zoom = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ids.Count, 1);
        var images = ids.Select(id => ImageCodec.ReadRgb(Path.Combine(dataDir, "JPEGImages", id + ".jpg"))).ToArray();
        var truths = ids.Select(id => PalettePng.Read(Path.Combine(dataDir, "SegmentationClass", id + ".png"))).ToArray();
        var predictions = ids.Select(id => PalettePng.Read(Path.Combine(predictionDir, id + ".png"))).ToArray();
        string[] rows = ["image", "ground truth", predictionName];

        int cell = images.Max(i => Math.Max(i.Width, i.Height)) * zoom;
        using var typeface = FindTypeface();
        using var font = new SKPaint { Typeface = typeface, TextSize = TextSize, IsAntialias = true, Color = SKColors.Black };
        int labelWidth = typeface is null ? Gap : (int)Math.Ceiling(rows.Max(r => font.MeasureText(r))) + 2 * Gap;
        var shown = truths.Concat(predictions).SelectMany(m => m.Labels).Where(l => l is > 0 and <= VocClasses.Count)
            .Distinct().Order().ToArray();
        var legend = LegendLayout(shown, font, labelWidth + ids.Count * (cell + Gap));

        int width = labelWidth + ids.Count * (cell + Gap);
        int height = rows.Length * (cell + Gap) + Gap + legend.Height;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            for (int r = 0; r < rows.Length; r++)
            {
                float y = r * (cell + Gap);
                if (typeface is not null) canvas.DrawText(rows[r], Gap, y + cell / 2f + TextSize / 3, font);
                for (int c = 0; c < ids.Count; c++)
                {
                    using var tile = ToBitmap(r == 0 ? images[c] : Segmentation.SegmentationInferenceRunner.Colourise(r == 1 ? truths[c] : predictions[c]));
                    var dest = SKRect.Create(labelWidth + c * (cell + Gap), y, tile.Width * zoom, tile.Height * zoom);
                    canvas.DrawBitmap(tile, dest);
                }
            }
            float top = rows.Length * (cell + Gap) + Gap;
            foreach (var (label, x, y) in legend.Items)
            {
                using var swatch = new SKPaint { Color = Colour((byte)label) };
                canvas.DrawRect(x, top + y, TextSize, TextSize, swatch);
                if (typeface is not null) canvas.DrawText(VocClasses.LabelNames[label], x + TextSize + 4, top + y + TextSize - 3, font);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>The legend's swatches laid out in lines across <paramref name="width"/>: background first, then each class shown.</summary>
    private static (List<(int Label, float X, float Y)> Items, int Height) LegendLayout(IReadOnlyList<byte> classes, SKPaint font, int width)
    {
        var items = new List<(int, float, float)>();
        float x = Gap, y = 0, line = TextSize + 8;
        foreach (int label in classes.Select(c => (int)c).Prepend(0))
        {
            float w = TextSize + 4 + font.MeasureText(VocClasses.LabelNames[label]) + 18;
            if (x + w > width && x > Gap) (x, y) = (Gap, y + line);
            items.Add((label, x, y));
            x += w;
        }
        return (items, (int)(y + line + Gap));
    }

    private static SKColor Colour(byte label) =>
        new(VocClasses.Palette[label * 3], VocClasses.Palette[label * 3 + 1], VocClasses.Palette[label * 3 + 2]);

    /// <summary>The image as an opaque SkiaSharp bitmap, all its pixels set at once.</summary>
    private static SKBitmap ToBitmap(RgbImage image)
    {
        var rgb = image.Pixels;
        var colours = new SKColor[image.Width * image.Height];
        for (int p = 0; p < colours.Length; p++) colours[p] = new SKColor(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]);
        return new SKBitmap(image.Width, image.Height) { Pixels = colours };
    }

    /// <summary>A sans-serif TrueType face from the system's font folders (the SkiaSharp build in use reads no font configuration).</summary>
    private static SKTypeface? FindTypeface()
    {
        string[] preferred = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf"];
        string[] roots = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", @"C:\Windows\Fonts"];
        var files = roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*.ttf", SearchOption.AllDirectories))
            .OrderBy(f => Array.IndexOf(preferred, Path.GetFileName(f)) is var i && i >= 0 ? i : preferred.Length)
            .ThenBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
            if (SKTypeface.FromFile(file) is { } face) return face;
        return null;
    }
}
