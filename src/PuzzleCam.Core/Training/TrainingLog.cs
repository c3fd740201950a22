using System.Text.Json;
using System.Text.Json.Nodes;

namespace PuzzleCam.Training;

/// <summary>
/// The reference's two logs of a training run: the text log (every line printed, appended) and the JSON log (<c>{"train": [...], "validation": [...]}</c>, rewritten after every event, here
/// atomically). A resumed run keeps the entries up to its restart iteration, and the text up to the length it had then
/// (<see cref="TextLength"/>): the lines a killed run wrote after its last checkpoint are repeated by the rerun.
/// </summary>
public sealed class TrainingLog
{
    private readonly string _textPath;
    private readonly string _jsonPath;
    private readonly JsonObject _data;
    private readonly Action<string>? _echo;

    /// <summary>Opens the logs; with <paramref name="resumeIteration"/> above 0 they are cut back to that iteration.</summary>
    /// <param name="textPath">The text log.</param>
    /// <param name="jsonPath">The JSON log.</param>
    /// <param name="resumeIteration">The checkpoint's iteration, or 0 for a fresh run.</param>
    /// <param name="echo">Also receives every line (the console).</param>
    /// <param name="resumeTextLength">The <see cref="TextLength"/> saved with the checkpoint; null keeps the text as it is.</param>
    public TrainingLog(string textPath, string jsonPath, long resumeIteration, Action<string>? echo = null, long? resumeTextLength = null)
    {
        _textPath = textPath;
        _jsonPath = jsonPath;
        _echo = echo;
        Directory.CreateDirectory(Path.GetDirectoryName(_textPath)!);
        if (resumeIteration > 0 && resumeTextLength is { } keep && File.Exists(_textPath))
        {
            using var text = new FileStream(_textPath, FileMode.Open, FileAccess.Write);
            if (text.Length > keep) text.SetLength(keep);
        }
        _data = new JsonObject { ["train"] = new JsonArray(), ["validation"] = new JsonArray() };
        if (resumeIteration > 0 && File.Exists(_jsonPath) && JsonNode.Parse(File.ReadAllText(_jsonPath)) is JsonObject previous)
        {
            foreach (var section in new[] { "train", "validation" })
                if (previous[section] is JsonArray entries)
                    foreach (var entry in entries.Where(e => e?["iteration"]?.GetValue<long>() <= resumeIteration).ToList())
                        ((JsonArray)_data[section]!).Add(entry!.DeepClone());
        }
    }

    public string JsonPath => _jsonPath;

    /// <summary>Bytes in the text log so far; a checkpoint saves it so that a resume can cut the log back to it.</summary>
    public long TextLength => File.Exists(_textPath) ? new FileInfo(_textPath).Length : 0;

    /// <summary>Prints a line and appends it to the text log.</summary>
    public void Line(string text)
    {
        _echo?.Invoke(text);
        File.AppendAllText(_textPath, text + Environment.NewLine);
    }

    /// <summary>Adds an entry to the <c>train</c> or <c>validation</c> section and rewrites the JSON log.</summary>
    public void Add(string section, IReadOnlyDictionary<string, double> values)
    {
        var entry = new JsonObject();
        foreach (var (key, value) in values)
            entry[key] = key == "iteration" ? JsonValue.Create((long)value) : JsonValue.Create(Math.Round(value, 6));
        if (_data[section] is not JsonArray array) _data[section] = array = new JsonArray();
        array.Add(entry);
        AtomicFile.WriteAllText(_jsonPath, _data.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Adds an entry, prints it, and reports it to <paramref name="progress"/> (a live chart): what every trainer does at a log point.</summary>
    public void Record(string section, IReadOnlyDictionary<string, double> values, IProgress<TrainingRecord>? progress)
    {
        Add(section, values);
        Line($"[i] {Format(values)}");
        progress?.Report(new TrainingRecord((long)values["iteration"], section, values));
    }

    public static string Format(IReadOnlyDictionary<string, double> values) =>
        string.Join(", ", values.Select(kv => kv.Key == "iteration" ? $"iteration={(long)kv.Value:N0}"
            : string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.0000}")));
}
