using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PuzzleCam.Affinity;
using PuzzleCam.IO;
using Xunit.Abstractions;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// The pick-a-pixel page: what its script draws after a pick comes from the data C# embeds, which must say what the
/// static rendering of that pixel says.
/// </summary>
public partial class PixelAffinityViewTests(ITestOutputHelper output)
{
    [Fact]
    public void ThePagesDataForAPixelIsWhatItsStaticTableShows()
    {
        var sample = Fixtures.Richest();
        var edges = Fixtures.Edges(sample);
        var view = new PixelAffinityView(sample.Image, edges, 12, 9);
        var html = view.ToHtml();
        var data = Data(html);

        Assert.Equal(TableValues(html), Rows(data, view.Row, view.Column));
        // Every pair, not only the traced one: its path, its deciding edge and its affinity.
        var pairs = view.Affinities();
        var pagePairs = Pairs(data, view.Row, view.Column);
        Assert.Equal(pairs.Count, pagePairs.Count);
        foreach (var pair in pairs)
        {
            var onPage = pagePairs[(pair.Dy, pair.Dx)];
            Assert.Equal(pair.Path, onPage.Path);
            Assert.Equal(pair.Peak, onPage.Peak);
            Assert.Equal(pair.Affinity, onPage.Affinity);
        }
        // Other pixels the page may pick, a corner's cut-off disc among them.
        foreach (var (row, column) in new[] { (0, 0), (edges.Height - 1, 3), (5, edges.Width - 2) })
            Assert.Equal(TableValues(new PixelAffinityView(sample.Image, edges, row, column).ToHtml()), Rows(data, row, column));
    }

    [Fact]
    public void AChosenPartnerIsTracedButThePageStillKnowsTheLowest()
    {
        var sample = Fixtures.Richest();
        var edges = Fixtures.Edges(sample);
        var html = new PixelAffinityView(sample.Image, edges, 12, 9) { Partner = (0, -3) }.ToHtml();
        Assert.Equal("(0, -3)", TableValues(html)[0]);
        Assert.Equal(TableValues(new PixelAffinityView(sample.Image, edges, 12, 9).ToHtml()), Rows(Data(html), 12, 9));
    }

    /// <summary>A 128-px image at the training radius (notebook 05's case), the largest page the notebooks show.</summary>
    [Theory]
    [InlineData(AffinityNetTrainingOptions.Radius, 1_000_000)]
    [InlineData(5, 400_000)]
    public void A128PixelPageStaysSmall(int radius, int limit)
    {
        var random = new Random(5);
        var image = new RgbImage(128, 128);
        random.NextBytes(image.Pixels);
        var edges = new EdgeMap(32, 32, Enumerable.Range(0, 32 * 32).Select(_ => random.NextSingle()).ToArray());
        int length = new PixelAffinityView(image, edges, 15, 14) { Radius = radius }.ToHtml().Length;
        output.WriteLine($"radius {radius}: {length} characters");
        Assert.True(length < limit, $"the page is {length} characters");
    }

    /// <summary>The second column of the view's table.</summary>
    public static List<string> TableValues(string html)
    {
        var table = html[html.IndexOf("-table\"", StringComparison.Ordinal)..];
        table = table[..(table.IndexOf("</table>", StringComparison.Ordinal))];
        return Cell().Matches(table).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where((_, i) => i % 2 == 1).ToList();
    }

    private static JsonNode Data(string html)
    {
        const string start = "var d=";
        int from = html.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return JsonNode.Parse(html[from..html.IndexOf(";var id=", from, StringComparison.Ordinal)])!;
    }

    /// <summary>The table's values for a pick the way the page's script fills them: the lowest partner, looked up.</summary>
    private static List<string> Rows(JsonNode d, int row, int column)
    {
        int cell = row * (int)d["w"]! + column, lowest = (int)d["lowest"]![cell]!;
        var traced = Pairs(d, row, column).Values.Single(p => p.K == lowest);
        var (dy, dx) = traced.Path[^1];
        return [$"({dy}, {dx})", $"{traced.Path.Length}", $"{traced.EdgeText} at ({traced.Peak.Dy}, {traced.Peak.Dx})", traced.AffinityText,
            .. d["summary"]![cell]!.AsArray().Select(v => (string)v!)];
    }

    private sealed record PagePair(int K, (int Dy, int Dx)[] Path, (int Dy, int Dx) Peak, float Affinity, string AffinityText, string EdgeText);

    /// <summary>The pairs of a cell as the page's script looks them up, by offset.</summary>
    private static Dictionary<(int Dy, int Dx), PagePair> Pairs(JsonNode d, int row, int column)
    {
        int width = (int)d["w"]!;
        var peaks = (string)d["peaks"]![row * width + column]!;
        var pairs = new Dictionary<(int Dy, int Dx), PagePair>();
        for (int k = 0; k < peaks.Length; k++)
        {
            if (peaks[k] == '.') continue;
            var path = d["paths"]![k]!.AsArray().Select(p => ((int)p![0]!, (int)p[1]!)).ToArray();
            var peak = path["0123456789abcdefghijklmnopqrstuvwxyz".IndexOf(peaks[k])];
            int deciding = (row + peak.Item1) * width + column + peak.Item2;
            pairs[path[^1]] = new PagePair(k, path, peak, (float)d["affinity"]![deciding]!, (string)d["affinityText"]![deciding]!, (string)d["edgeText"]![deciding]!);
        }
        return pairs;
    }

    [GeneratedRegex("<td[^>]*>(.*?)</td>")]
    private static partial Regex Cell();
}
