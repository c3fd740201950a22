using System.Text.Json.Nodes;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// The notebooks as a reader finds them in the repository, before running anything: committed with the outputs of a
/// full run (<c>eng/run-notebooks.sh</c>), each small enough for a code host to show, with pictures and no errors, and
/// opening with a first cell a student can read.
/// </summary>
public class CommittedNotebookTests
{
    private const long MaxBytes = 3 * 1024 * 1024;

    public static TheoryData<string> Notebooks => new(Directory.GetFiles(Path.Combine(RepoPaths.Root, "notebooks"), "*.ipynb").Select(Path.GetFileName).Order().Select(n => n!));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void CarriesTheOutputsOfAFullRunWithPicturesAndNoError(string notebook)
    {
        var path = Path.Combine(RepoPaths.Root, "notebooks", notebook);
        Assert.True(new FileInfo(path).Length <= MaxBytes, $"{notebook} is {new FileInfo(path).Length:N0} bytes, more than {MaxBytes:N0}");
        var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().Select(c => c!).ToList();
        var code = cells.Where(c => (string?)c["cell_type"] == "code").ToList();
        var outputs = code.SelectMany(c => c["outputs"]?.AsArray() ?? []).Select(o => o!).ToList();
        Assert.True(outputs.Count > 0, $"{notebook} is committed without outputs: run bash eng/run-notebooks.sh {notebook}");
        Assert.DoesNotContain(outputs, o => (string?)o["output_type"] == "error");
        // A picture every viewer shows, also one that renders no HTML.
        Assert.Contains(outputs, o => o["data"]?["image/png"] is not null || o["data"]?["image/jpeg"] is not null);

        // A code host runs no script, so each chart carries a still of itself that the live chart replaces where scripts run.
        var html = outputs.Select(o => o["data"]?["text/html"]).Where(h => h is not null)
            .Select(h => h is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)h ?? "").ToList();
        Assert.Equal(html.Count(h => h.Contains("class=\"puzzlecam-plotly\"")), html.Count(h => h.Contains("class=\"puzzlecam-plotly-still\"")));

        // Outputs are written relative to the repository and the home folder: none records the machine that ran it.
        var text = string.Concat(outputs.Select(o => o.ToJsonString()));
        Assert.DoesNotContain(RepoPaths.Root + "/", text);
        Assert.DoesNotContain(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + "/.nuget", text);

        var first = string.Concat(code[0]["source"]!.AsArray().Select(l => (string?)l)).TrimEnd().Split('\n');
        Assert.True(first.Length <= 3, $"{notebook}: the first code cell has {first.Length} lines");
        Assert.Contains("#load \"puzzlecam.csx\"", first);
    }
}
