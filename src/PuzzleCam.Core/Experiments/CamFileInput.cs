namespace PuzzleCam.Experiments;

/// <summary>
/// The maps a stage reads from an earlier stage's folder of CAM-format files: one array of each id's <c>.npz</c>.
/// </summary>
/// <param name="Folder">The earlier stage's folder.</param>
/// <param name="Flag">The flag that names the folder, for the messages.</param>
/// <param name="ProducedBy">The stage that makes such folders.</param>
/// <param name="ArrayName">The array read: <see cref="CamFile.CamName"/>, <see cref="CamFile.HighResCamName"/> or <see cref="CamFile.RandomWalkName"/>.</param>
public sealed record CamFileInput(string Folder, string Flag, string ProducedBy, string ArrayName)
{
    /// <summary>The file of <paramref name="id"/>.</summary>
    public string PathOf(string id) => Path.Combine(Folder, id + CamFile.Extension);

    /// <summary>Refuses a missing or foreign folder, or one without a file of every id (<see cref="StageInputs.RequireFolder"/>).</summary>
    public IReadOnlyDictionary<string, string> Require(IReadOnlyList<string> ids) =>
        StageInputs.RequireFolder(Folder, Flag, ProducedBy, ids, CamFile.Extension);

    /// <summary>The file of <paramref name="id"/> and its <see cref="ArrayName"/> maps; a file without them throws naming it.</summary>
    public (CamFile File, ClassMaps Maps) Read(string id)
    {
        var path = PathOf(id);
        var file = CamFile.Read(path);
        var maps = ArrayName switch
        {
            CamFile.CamName => file.Cam,
            CamFile.HighResCamName => file.HighResCam,
            CamFile.RandomWalkName => file.RandomWalk,
            _ => throw new InvalidOperationException($"'{ArrayName}' is not an array of a CAM file"),
        };
        return maps is null ? throw new InvalidDataFileException(path, $"has no '{ArrayName}' array (is it a file of {ProducedBy}?)") : (file, maps);
    }
}
