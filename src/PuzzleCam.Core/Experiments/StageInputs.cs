namespace PuzzleCam.Experiments;

/// <summary>
/// Checks of what one stage reads from an earlier one's folder, made before any work: the folder exists, an earlier
/// stage of the expected kind made it (its <c>options.json</c> says so), and it holds a file for every id.
/// </summary>
public static class StageInputs
{
    /// <summary>
    /// Refuses a missing or foreign input folder, naming <paramref name="flag"/>, and returns the folder's record as an
    /// input file of the reading stage: when the earlier stage is rerun with other options, the later folder refuses
    /// to mix its old outputs with new ones.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RequireFolder(string folder, string flag, string producedBy, IReadOnlyList<string> ids, string extension)
    {
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: input folder not found ({flag}); run the stage that makes it first");
        var record = OutputProvenance.Read(folder)
            ?? throw new BadInputException($"{folder}: no {OutputProvenance.FileName}, so what made these files is unknown ({flag})");
        if (record.Stage != producedBy)
            throw new BadInputException($"{folder}: made by {record.Stage}, but {producedBy} outputs are needed here ({flag})");
        var missing = ids.Where(id => !File.Exists(Path.Combine(folder, id + extension))).ToList();
        if (missing.Count > 0)
            throw new BadInputException($"{Path.Combine(folder, missing[0] + extension)}: not found ({missing.Count} of {ids.Count} ids of the split have no file in {flag}'s folder)");
        return new Dictionary<string, string> { ["input_folder"] = OutputProvenance.PathIn(folder) };
    }

    /// <summary>Refuses maps whose size is not the image's.</summary>
    public static void CheckSize(ClassMaps maps, RgbImage image, string mapsPath, string imagePath)
    {
        if (maps.Width != image.Width || maps.Height != image.Height)
            throw new InvalidDataFileException(mapsPath, $"maps are {maps.Width}x{maps.Height} but the image {imagePath} is {image.Width}x{image.Height}");
    }
}
