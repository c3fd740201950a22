using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.IO;

public sealed class OutputProvenanceTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("provenance").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Folder => Path.Combine(root, "predictions", "run");

    private static readonly Dictionary<string, string> NoRun = [];

    private static Dictionary<string, string> Settings(string mode = "fix") => new() { ["architecture"] = "resnet50", ["mode"] = mode };

    private string Weights(string name, byte fill)
    {
        var path = Path.Combine(root, name);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, 1000).ToArray());
        return path;
    }

    private OutputProvenance Claim(string weights, string mode = "fix") =>
        OutputProvenance.Claim(Folder, "*.npz", "inference-classification", Settings(mode), new Dictionary<string, string> { ["checkpoint"] = weights }, NoRun);

    private void WriteOutput() => File.WriteAllBytes(Path.Combine(Folder, "a.npz"), [1]);

    [Fact]
    public void NewFolderIsClaimedWithoutWritingAnything()
    {
        var record = Claim(Weights("w.pth", 1));
        Assert.False(Directory.Exists(Folder));
        Assert.Equal(1000, record.Inputs["checkpoint"].Size);
        Assert.Equal(64, record.Inputs["checkpoint"].Sha256.Length);
        record.Write(Folder);
        var back = OutputProvenance.Read(Folder)!;
        Assert.Empty(back.DifferencesFrom(record));
        Assert.Equal(record.Inputs["checkpoint"], back.Inputs["checkpoint"]);
    }

    [Fact]
    public void SameOptionsResumeAndACopiedFileWithTheSameBytesIsAccepted()
    {
        var weights = Weights("w.pth", 1);
        Claim(weights).Write(Folder);
        WriteOutput();
        Claim(weights);
        var copy = Weights("copy.pth", 1);
        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddHours(1));
        Assert.Equal(copy, Claim(copy).Inputs["checkpoint"].Path);
    }

    [Fact]
    public void OtherSettingsOrOtherWeightsRefuseNamingFolderAndDifference()
    {
        var weights = Weights("w.pth", 1);
        Claim(weights).Write(Folder);
        WriteOutput();

        var e = Assert.Throws<OutputFolderConflictException>(() => Claim(weights, mode: "normal"));
        Assert.StartsWith(Folder, e.Message);
        Assert.Equal(Folder, e.Folder);
        Assert.Contains("mode: fix there, normal now", e.Message);

        File.WriteAllBytes(weights, Enumerable.Repeat((byte)2, 1000).ToArray());
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddHours(1));
        e = Assert.Throws<OutputFolderConflictException>(() => Claim(weights));
        Assert.Contains("checkpoint:", e.Message);
        Assert.Contains("delete the folder", e.Message);
    }

    [Fact]
    public void TheWayOutNamesOnlyAFlagTheCommandHas()
    {
        var weights = Weights("w.pth", 1);
        Claim(weights).Write(Folder);
        WriteOutput();
        Assert.Contains("choose another --tag", Assert.Throws<OutputFolderConflictException>(() => Claim(weights, mode: "normal")).Message);
        var walk = Assert.Throws<OutputFolderConflictException>(() => OutputProvenance.Claim(Folder, "*.npz", "inference-classification", Settings("normal"),
            new Dictionary<string, string> { ["checkpoint"] = weights }, NoRun, namedBy: "--model_name"));
        Assert.Contains("choose another --model_name", walk.Message);
        var unnamed = Assert.Throws<OutputFolderConflictException>(() => OutputProvenance.Claim(Folder, "*.npz", "inference-classification", Settings("normal"),
            new Dictionary<string, string> { ["checkpoint"] = weights }, NoRun, namedBy: null));
        Assert.DoesNotContain("--", unnamed.Message.Split("; ")[^1]);
        Assert.Contains("delete the folder", unnamed.Message);
    }

    [Fact]
    public void OutputsWithoutARecordRefuse()
    {
        Directory.CreateDirectory(Folder);
        WriteOutput();
        var e = Assert.Throws<OutputFolderConflictException>(() => Claim(Weights("w.pth", 1)));
        Assert.Contains("no options.json", e.Message);
    }

    [Fact]
    public void ADamagedRecordMattersOnlyWhenOutputsDependOnIt()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(OutputProvenance.PathIn(Folder), "{ not json");
        var weights = Weights("w.pth", 1);
        Claim(weights);
        WriteOutput();
        var e = Assert.Throws<InvalidDataFileException>(() => Claim(weights));
        Assert.Equal(OutputProvenance.PathIn(Folder), e.FilePath);
    }

    [Fact]
    public void AnUnchangedFileIsNotHashedAgain()
    {
        var weights = Weights("w.pth", 1);
        var info = new FileInfo(weights);
        var known = new FileFingerprint(weights, info.Length, info.LastWriteTimeUtc, "recorded");
        Assert.Equal("recorded", FileFingerprint.Of(weights, known).Sha256);
        Assert.NotEqual("recorded", FileFingerprint.Of(weights, known with { Size = 999 }).Sha256);
    }
}
