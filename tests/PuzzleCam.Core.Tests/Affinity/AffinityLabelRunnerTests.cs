using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Core.Tests.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Affinity;

/// <summary>
/// Stage 3 over a split of hand-made CAMs, one uniform value per image: above the fg threshold (a confident class),
/// between the thresholds (uncertain) and below the bg threshold (confident background). A uniform map is what the
/// label CRF keeps, so every pixel's label is known.
/// </summary>
public sealed class AffinityLabelRunnerTests : IDisposable
{
    private const string CamName = "tiny@train@scale=1.0";
    private const long Key = 7;
    private static readonly float[] CamValues = [1f, 0.2f, 0f];
    private static readonly byte[] Expected = [(byte)Key, AffinityLabels.Ignore, 0];
    private readonly TinyStageTree _tree = new();

    public AffinityLabelRunnerTests() =>
        _tree.WriteMaps(CamName, CamInferenceRunner.StageName, (i, image) => new CamFile([0, Key],
            HighResCam: TinyStageTree.Columns(image.Width, image.Height, _ => CamValues[i % 3])));

    public void Dispose() => _tree.Dispose();

    private AffinityLabelStageOptions Options => new()
    {
        CamName = CamName, Domain = TinyStageTree.Domain, DataDir = _tree.DataDir, ExperimentsDir = _tree.Experiments,
        Thresholds = AffinityLabelOptions.Readme, Workers = 2,
    };

    [Fact]
    public void EachImageGetsItsConfidentLabelsAndAResumeSkipsThem()
    {
        var ids = _tree.Dataset.Ids;
        Assert.True(ids.Count >= 3);
        var result = AffinityLabelRunner.Run(Options);
        Assert.Equal((ids.Count, ids.Count, 0), (result.Images, result.Written, result.Skipped));
        Assert.Equal(_tree.Predictions(CamName + "@aff_fg=0.40_bg=0.10"), result.Folder);
        for (int i = 0; i < ids.Count; i++)
        {
            var labels = PalettePng.Read(Path.Combine(result.Folder, ids[i] + ".png"));
            var image = _tree.Dataset.ReadImage(ids[i]);
            Assert.Equal((image.Width, image.Height), (labels.Width, labels.Height));
            Assert.All(labels.Labels, v => Assert.Equal(Expected[i % 3], v));
        }
        var record = OutputProvenance.Read(result.Folder)!;
        Assert.Equal(("0.4", "0.1"), (record.Settings["fg_threshold"], record.Settings["bg_threshold"]));

        File.Delete(Path.Combine(result.Folder, ids[1] + ".png"));
        var again = AffinityLabelRunner.Run(Options);
        Assert.Equal((1, ids.Count - 1), (again.Written, again.Skipped));
    }

    [Fact]
    public void AMissingOrForeignCamFolderIsRefusedNamingTheFlag()
    {
        var missing = Assert.Throws<BadInputException>(() => AffinityLabelRunner.Run(Options with { CamName = "none" }));
        Assert.Contains("--experiment_name", missing.Message);

        _tree.WriteMaps("walked", "inference-rw", (_, image) => new CamFile([0, Key], RandomWalk: TinyStageTree.Columns(image.Width, image.Height, _ => 1f)));
        var foreign = Assert.Throws<BadInputException>(() => AffinityLabelRunner.Run(Options with { CamName = "walked" }));
        Assert.Contains("made by inference-rw", foreign.Message);
        Assert.Contains("--experiment_name", foreign.Message);

        var empty = Assert.Throws<BadInputException>(() => AffinityLabelRunner.Run(Options with { CamName = "" }));
        Assert.StartsWith("--experiment_name is required", empty.Message);
    }
}
