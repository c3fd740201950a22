using System.Text.Json;
using System.Text.Json.Nodes;

namespace PuzzleCam.Pipeline;

/// <summary>
/// The JSON file a driver leaves its table in, <c>{"rows": [...], "seconds": s}</c>, <c>seconds</c> being the wall
/// time of the run that wrote it; written atomically.
/// </summary>
internal static class TableFile
{
    public static void Write(string path, IEnumerable<JsonObject> rows, double seconds)
    {
        var json = new JsonObject
        {
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)r).ToArray()),
            ["seconds"] = Math.Round(seconds, 1),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// The rows of a file <see cref="Write"/> wrote, each read by <paramref name="parse"/> (null for a row it cannot
    /// read); null when there is no file or any part of it cannot be read.
    /// </summary>
    public static IReadOnlyList<T>? Read<T>(string path, Func<JsonNode, T?> parse) where T : class
    {
        if (!File.Exists(path)) return null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path))?["rows"] is not JsonArray array) return null;
            var rows = new List<T>();
            foreach (var node in array)
            {
                if (node is null || parse(node) is not { } row) return null;
                rows.Add(row);
            }
            return rows;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
