using PuzzleCam.Cams;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Experiments;

/// <summary>What a stage checks of an earlier stage's folder before any work.</summary>
public sealed class StageInputsTests : IDisposable
{
    private static readonly string[] Ids = ["x", "y"];
    private readonly string _root = Directory.CreateTempSubdirectory("stageinputs").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string stage, params string[] ids)
    {
        var folder = Path.Combine(_root, stage);
        Directory.CreateDirectory(folder);
        OutputProvenance.Claim(folder, "*.npz", stage, new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>()).Write(folder);
        foreach (var id in ids) new CamFile([0, 3], Cam: new ClassMaps(1, 2, 2, [0f, 1f, 0.5f, 0.25f])).Write(Path.Combine(folder, id + CamFile.Extension));
        return folder;
    }

    [Fact]
    public void AMissingFolderIsRefusedNamingTheFlag()
    {
        var e = Assert.Throws<BadInputException>(() => StageInputs.RequireFolder(Path.Combine(_root, "none"), "--cam_dir", "inference-classification", Ids, ".npz"));
        Assert.Contains("input folder not found (--cam_dir)", e.Message);
    }

    [Fact]
    public void AFolderOfAnotherStageIsRefusedNamingBoth()
    {
        var folder = Folder("inference-rw", Ids);
        var e = Assert.Throws<BadInputException>(() => StageInputs.RequireFolder(folder, "--cam_dir", "inference-classification", Ids, ".npz"));
        Assert.Contains("made by inference-rw, but inference-classification outputs are needed here (--cam_dir)", e.Message);
    }

    [Fact]
    public void AFolderWithoutItsRecordIsRefused()
    {
        var folder = Path.Combine(_root, "bare");
        Directory.CreateDirectory(folder);
        var e = Assert.Throws<BadInputException>(() => StageInputs.RequireFolder(folder, "--experiment_name", "inference-rw", Ids, ".npz"));
        Assert.Contains("no options.json", e.Message);
        Assert.Contains("--experiment_name", e.Message);
    }

    [Fact]
    public void AMissingIdIsNamedWithHowManyAreMissing()
    {
        var folder = Folder("inference-classification", "x");
        var e = Assert.Throws<BadInputException>(() => StageInputs.RequireFolder(folder, "--cam_dir", "inference-classification", Ids, ".npz"));
        Assert.Contains(Path.Combine(folder, "y.npz"), e.Message);
        Assert.Contains("1 of 2 ids", e.Message);
    }

    [Fact]
    public void AFolderWithEveryIdBecomesAnInputOfTheReadingStage()
    {
        var folder = Folder("inference-classification", Ids);
        var inputs = StageInputs.RequireFolder(folder, "--cam_dir", "inference-classification", Ids, ".npz");
        Assert.Equal(OutputProvenance.PathIn(folder), inputs["input_folder"]);
    }

    [Fact]
    public void AFileWithoutTheArrayReadIsNamed()
    {
        var folder = Folder("inference-classification", Ids);
        var input = new CamFileInput(folder, "--experiment_name", "inference-classification", CamFile.HighResCamName);
        var e = Assert.Throws<InvalidDataFileException>(() => input.Read("x"));
        Assert.Contains(input.PathOf("x"), e.Message);
        Assert.Contains("'hr_cam'", e.Message);
        Assert.Equal([0.5f, 0.25f], new CamFileInput(folder, "--cam_dir", "inference-classification", CamFile.CamName).Read("y").Maps.Values[2..]);
    }
}
