using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PuzzleCam.IO;

/// <summary>
/// An output folder holds files that other options made; adding to it would mix them, so the run refuses. The message
/// starts with the folder and says what differs and what to do.
/// </summary>
public sealed class OutputFolderConflictException(string folder, string reason) : BadInputException($"{folder}: {reason}")
{
    public string Folder { get; } = folder;
}

/// <summary>Identity of an input file: size and modification time for the quick check, SHA-256 for the decisive one.</summary>
public sealed record FileFingerprint(string Path, long Size, DateTime ModifiedUtc, string Sha256)
{
    /// <summary>
    /// The fingerprint of <paramref name="path"/>. When <paramref name="known"/> has the same size and modification
    /// time its hash is taken as is, so an unchanged multi-hundred-megabyte checkpoint is not read again on every resume.
    /// </summary>
    public static FileFingerprint Of(string path, FileFingerprint? known = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: file not found", path);
        var modified = info.LastWriteTimeUtc;
        if (known is not null && known.Size == info.Length && known.ModifiedUtc == modified)
            return known with { Path = info.FullName };
        using var stream = info.OpenRead();
        return new FileFingerprint(info.FullName, info.Length, modified, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

/// <summary>
/// What made the files of an output folder, kept beside them as <c>options.json</c>: the settings and input files that
/// shape every output (a run with any of them different refuses to add to the folder) and, for the reader, what the
/// last run was told that does not change an output (split, device, time). The reference skips existing outputs
/// whatever the options (the reference skips them even after a change of options); this record is what lets a resume skip them safely.
/// </summary>
public sealed record OutputProvenance
{
    public const string FileName = "options.json";

    /// <summary>The command that writes the folder (e.g. inference-classification).</summary>
    public required string Stage { get; init; }

    /// <summary>Settings every output depends on, as text; any difference refuses.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>Input files every output depends on; other contents refuse (same path or not).</summary>
    public required IReadOnlyDictionary<string, FileFingerprint> Inputs { get; init; }

    /// <summary>Options of the last run that change no output; informative only.</summary>
    public IReadOnlyDictionary<string, string> LastRun { get; init; } = new Dictionary<string, string>();

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>The record of <paramref name="folder"/>, or null when it has none.</summary>
    public static OutputProvenance? Read(string folder)
    {
        var path = PathIn(folder);
        if (!File.Exists(path)) return null;
        try
        {
            var record = JsonSerializer.Deserialize<OutputProvenance>(File.ReadAllText(path), JsonOptions);
            return record is { Stage: not null, Settings: not null, Inputs: not null }
                ? record
                : throw new InvalidDataFileException(path, "not an output record (stage, settings or inputs missing)");
        }
        catch (JsonException e)
        {
            throw new InvalidDataFileException(path, $"not an output record: {e.Message}", e);
        }
    }

    /// <summary>Writes the record atomically into <paramref name="folder"/> (created when missing).</summary>
    public void Write(string folder) => AtomicFile.WriteAllText(PathIn(folder), JsonSerializer.Serialize(this, JsonOptions) + "\n");

    /// <summary>
    /// The record a run with these settings and inputs makes for <paramref name="folder"/>, after checking that every
    /// output already there (files matching <paramref name="outputPattern"/>) was made the same way. A folder with
    /// outputs but no record refuses too: nothing says what made them. Nothing is written; call <see cref="Write"/>
    /// once the run is sure to start. <paramref name="namedBy"/> is the flag whose value names the folder, which the
    /// refusal offers as a way out; null when no flag of the command renames it.
    /// </summary>
    public static OutputProvenance Claim(string folder, string outputPattern, string stage, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, string> inputFiles, IReadOnlyDictionary<string, string> lastRun, string? namedBy = "--tag")
    {
        int outputs = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, outputPattern).Count() : 0;
        var previous = outputs > 0 ? Read(folder) : TryRead(folder);
        var current = new OutputProvenance
        {
            Stage = stage,
            Settings = new SortedDictionary<string, string>(settings.ToDictionary(), StringComparer.Ordinal),
            Inputs = new SortedDictionary<string, FileFingerprint>(
                inputFiles.ToDictionary(kv => kv.Key, kv => FileFingerprint.Of(kv.Value, previous?.Inputs.GetValueOrDefault(kv.Key))), StringComparer.Ordinal),
            LastRun = new SortedDictionary<string, string>(lastRun.ToDictionary(), StringComparer.Ordinal),
        };
        if (outputs == 0) return current;
        var remedy = namedBy is null
            ? "outputs of different options are never mixed in one folder: keep the old options, or delete the folder to recompute it"
            : $"outputs of different options are never mixed in one folder: choose another {namedBy} (or keep the old options), or delete the folder to recompute it";
        if (previous is null)
            throw new OutputFolderConflictException(folder, $"holds {outputs} {outputPattern} files but no {FileName}, so what made them is unknown; {remedy}");
        var differences = current.DifferencesFrom(previous);
        if (differences.Count > 0)
            throw new OutputFolderConflictException(folder, $"holds {outputs} {outputPattern} files made with other options ({string.Join("; ", differences)}); {remedy}");
        return current;
    }

    /// <summary>What differs between this record and <paramref name="earlier"/>, in words, ignoring <see cref="LastRun"/>.</summary>
    public IReadOnlyList<string> DifferencesFrom(OutputProvenance earlier)
    {
        var differences = new List<string>();
        if (Stage != earlier.Stage) differences.Add($"made by {earlier.Stage}, not {Stage}");
        foreach (var key in Settings.Keys.Union(earlier.Settings.Keys).Order(StringComparer.Ordinal))
        {
            var now = Settings.GetValueOrDefault(key);
            var then = earlier.Settings.GetValueOrDefault(key);
            if (now != then) differences.Add($"{key}: {then ?? "(unset)"} there, {now ?? "(unset)"} now");
        }
        foreach (var key in Inputs.Keys.Union(earlier.Inputs.Keys).Order(StringComparer.Ordinal))
        {
            var now = Inputs.GetValueOrDefault(key);
            var then = earlier.Inputs.GetValueOrDefault(key);
            if (now?.Sha256 != then?.Sha256)
                differences.Add($"{key}: {Describe(then)} there, {Describe(now)} now");
        }
        return differences;
    }

    private static string Describe(FileFingerprint? file) =>
        file is null ? "(none)" : $"{file.Path} (sha256 {file.Sha256[..Math.Min(12, file.Sha256.Length)]}, {file.Size} bytes, modified {file.ModifiedUtc:u})";

    private static OutputProvenance? TryRead(string folder)
    {
        try
        {
            return Read(folder);
        }
        catch (InvalidDataFileException)
        {
            // Without outputs a damaged record guards nothing; the run replaces it.
            return null;
        }
    }
}
