using Microsoft.DotNet.Interactive.Formatting;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Interactive.Tests;

public class FormatterTests
{
    [Fact]
    public void SampleShowsImageTagsAndGroundTruthWithLegend()
    {
        PuzzleCamFormatters.Load();
        var tags = new float[20];
        tags[11] = 1;
        var mask = new LabelMap(4, 4, [0, 0, 12, 12, 0, 12, 12, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
        var sample = new VocSample("img_1", new RgbImage(4, 4), tags, mask);
        var html = sample.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("puzzlecam-sample", html);
        Assert.Equal(2, html.Split("data:image/png;base64,").Length - 1);
        Assert.Contains("dog", html);
        Assert.Contains("ignore", html);
    }
}
