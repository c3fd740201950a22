using PuzzleCam.Core.Tests.Data.Synthetic;
using PuzzleCam.Pipeline;
using SkiaSharp;

namespace PuzzleCam.Core.Tests.Pipeline;

public class ResultsFigureTests(TinySyntheticDataset tiny) : IClassFixture<TinySyntheticDataset>
{
    [Fact]
    public void DrawsARowOfImagesTheirTruthAndPredictionWithALegend()
    {
        var ids = tiny.List("val");
        var path = Path.Combine(Directory.CreateTempSubdirectory("figure").FullName, "results.png");
        // The ground truth stands in for a prediction: the figure only reads palette PNGs named by id.
        ResultsFigure.Write(path, tiny.Root, ids, Path.Combine(tiny.Root, "SegmentationClass"), "prediction");

        using var bitmap = SKBitmap.Decode(path);
        int cell = TinySyntheticDataset.Options.Size * 2;
        Assert.True(bitmap.Width >= ids.Count * cell, $"{bitmap.Width} px wide for {ids.Count} columns of {cell} px");
        Assert.True(bitmap.Height > 3 * cell, $"{bitmap.Height} px high for three rows of {cell} px and a legend");
        // The middle row is the ground truth in the VOC palette, which has no white; the margins are white.
        Assert.NotEqual(SKColors.White, bitmap.GetPixel(bitmap.Width - 6 - cell / 2, cell + 6 + cell / 2));
        Assert.Equal(SKColors.White, bitmap.GetPixel(bitmap.Width - 1, bitmap.Height - 1));
    }
}
