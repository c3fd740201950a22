using System.Text.RegularExpressions;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>
/// The reference constructor call a golden model folder was made with, read from the first line of its
/// <c>state_dict_keys.txt</c> (e.g. <c># DeepLabv3_Plus("resnest50", num_classes=21, mode="fix", use_group_norm=True)</c>).
/// </summary>
internal sealed partial record ReferenceConstructor(string Network, string Architecture, string Line)
{
    public static ReferenceConstructor Read(string caseName)
    {
        var line = File.ReadLines(Path.Combine(GoldenData.CaseDir(caseName), "state_dict_keys.txt")).First();
        var match = Call().Match(line);
        Assert.True(match.Success, $"{caseName}: cannot read the constructor from '{line}'");
        return new ReferenceConstructor(match.Groups[1].Value, match.Groups[2].Value, line);
    }

    public int Int(string name) => int.Parse(Argument(name));

    public bool Bool(string name) => Argument(name) == "True";

    public string String(string name) => Argument(name).Trim('"');

    public long ModelInfo(string caseName, string name)
    {
        using var json = GoldenData.Json(caseName, "case.json");
        return json.RootElement.GetProperty("model_info").GetProperty(name).GetInt64();
    }

    private string Argument(string name)
    {
        var match = Regex.Match(Line, $@"\b{name}=(""[^""]*""|[\w.]+)");
        Assert.True(match.Success, $"no {name}= in '{Line}'");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^#\s*(\w+)\(""(\w+)""")]
    private static partial Regex Call();
}
