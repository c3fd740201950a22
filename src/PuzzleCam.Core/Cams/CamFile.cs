namespace PuzzleCam.Cams;

/// <summary>
/// The per-image output of CAM inference (stage 2) and of the random walk (stage 5), stored as a NumPy <c>.npz</c>
/// with the reference's dictionary keys: <c>keys</c> (int64 [K + 1], a leading 0 for background, then the label of
/// each present class), <c>cam</c> (float32 [K, h, w], at the network stride), <c>hr_cam</c> (float32 [K, H, W], image
/// size) and <c>rw</c> (float32 [K, H, W], random-walk maps). A CAM file has <c>cam</c> and <c>hr_cam</c>; a random-walk
/// file has <c>rw</c>.
/// </summary>
public sealed record CamFile(long[] Keys, ClassMaps? Cam = null, ClassMaps? HighResCam = null, ClassMaps? RandomWalk = null)
{
    /// <summary>The file extension of CAM and random-walk files.</summary>
    public const string Extension = ".npz";

    public const string KeysName = "keys";
    public const string CamName = "cam";
    public const string HighResCamName = "hr_cam";
    public const string RandomWalkName = "rw";

    /// <summary>The maps that evaluation and pseudo labels threshold: <c>hr_cam</c> when present, else <c>rw</c> (the reference's order).</summary>
    public ClassMaps? ImageSizeMaps => HighResCam ?? RandomWalk;

    /// <summary>Reads and validates a file; every problem is an <see cref="InvalidDataFileException"/> naming it.</summary>
    public static CamFile Read(string path)
    {
        var arrays = Npz.Read(path);
        if (!arrays.TryGetValue(KeysName, out var keysArray))
            throw new InvalidDataFileException(path, $"no '{KeysName}' array (found: {string.Join(", ", arrays.Keys)})");
        if (keysArray.DType != NpyDType.Int64 || keysArray.Shape.Length != 1)
            throw new InvalidDataFileException(path, $"'{KeysName}' must be a 1-D int64 array, got {keysArray.DType} [{string.Join(", ", keysArray.Shape)}]");
        ClassMaps? Optional(string name) => arrays.TryGetValue(name, out var a) ? ClassMaps.FromNpy(a, path, name) : null;
        var file = new CamFile(keysArray.ToArray<long>(), Optional(CamName), Optional(HighResCamName), Optional(RandomWalkName));
        var problem = file.Problem();
        if (problem is not null) throw new InvalidDataFileException(path, problem);
        return file;
    }

    /// <summary>Writes the file atomically, so an interrupted run never leaves a truncated output that a resume would skip.</summary>
    public void Write(string path, bool compress = false)
    {
        var problem = Problem();
        if (problem is not null) throw new ArgumentException($"{path}: {problem}");
        var arrays = new List<KeyValuePair<string, NpyArray>> { new(KeysName, NpyArray.Create<long>(Keys, Keys.Length)) };
        if (Cam is not null) arrays.Add(new(CamName, Cam.ToNpy()));
        if (HighResCam is not null) arrays.Add(new(HighResCamName, HighResCam.ToNpy()));
        if (RandomWalk is not null) arrays.Add(new(RandomWalkName, RandomWalk.ToNpy()));
        Npz.Write(path, arrays, compress);
    }

    private string? Problem()
    {
        if (Keys.Length == 0 || Keys[0] != 0)
            return $"'{KeysName}' must start with 0 (background), got [{string.Join(", ", Keys)}]";
        // Keys become label-map bytes: background and the classes' labels, each once.
        if (Keys.Any(k => k < 0 || k > Data.VocClasses.Count))
            return $"'{KeysName}' must hold labels 0..{Data.VocClasses.Count} (background and the VOC classes), got [{string.Join(", ", Keys)}]";
        for (int i = 1; i < Keys.Length; i++)
            if (Keys[i] <= Keys[i - 1]) return $"'{KeysName}' must name each label once, in increasing order, got [{string.Join(", ", Keys)}]";
        if (Cam is null && HighResCam is null && RandomWalk is null)
            return $"none of '{CamName}', '{HighResCamName}', '{RandomWalkName}' is present";
        foreach (var (name, maps) in new[] { (CamName, Cam), (HighResCamName, HighResCam), (RandomWalkName, RandomWalk) })
        {
            if (maps is not null && maps.Classes != Keys.Length - 1)
                return $"'{name}' has {maps.Classes} planes but '{KeysName}' names {Keys.Length - 1} classes";
            // A NaN would turn every comparison false: the pixels would silently become background.
            if (maps is not null && Array.FindIndex(maps.Values, v => !float.IsFinite(v)) is var bad and >= 0)
                return $"'{name}' holds a value that is not a finite number ({maps.Values[bad]}) at index {bad}";
        }
        if (HighResCam is not null && RandomWalk is not null && (HighResCam.Height != RandomWalk.Height || HighResCam.Width != RandomWalk.Width))
            return $"'{HighResCamName}' is {HighResCam.Height}x{HighResCam.Width} but '{RandomWalkName}' is {RandomWalk.Height}x{RandomWalk.Width}";
        return null;
    }
}
