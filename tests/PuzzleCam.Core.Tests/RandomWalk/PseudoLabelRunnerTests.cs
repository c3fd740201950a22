using PuzzleCam.Core.Tests.Experiments;
using PuzzleCam.Cams;
using PuzzleCam.IO;
using PuzzleCam.RandomWalk;

namespace PuzzleCam.Core.Tests.RandomWalk;

/// <summary>
/// Stage 6 over a split of hand-made random-walk maps: the walk is high on the left half and low on the right, so
/// without the CRF every pixel's label is known (the key beyond the threshold, background below it).
/// </summary>
public sealed class PseudoLabelRunnerTests : IDisposable
{
    private const string WalkName = "tiny@train@beta=10@exp_times=8@rw";
    private const long Key = 12;
    private readonly TinyStageTree _tree = new();

    public PseudoLabelRunnerTests() =>
        _tree.WriteMaps(WalkName, RandomWalkRunner.StageName, (_, image) => new CamFile([0, Key],
            RandomWalk: TinyStageTree.Columns(image.Width, image.Height, x => x < 0.5 ? 0.9f : 0.1f)));

    public void Dispose() => _tree.Dispose();

    private PseudoLabelStageOptions Options => new()
    {
        RandomWalkName = WalkName, Domain = TinyStageTree.Domain, DataDir = _tree.DataDir, ExperimentsDir = _tree.Experiments,
        Rule = PseudoLabelOptions.Readme with { CrfIterations = 0 }, Workers = 2,
    };

    [Fact]
    public void EachImageGetsTheWalkCutAtTheThresholdAndAResumeSkipsIt()
    {
        var ids = _tree.Dataset.Ids;
        var result = PseudoLabelRunner.Run(Options);
        Assert.Equal((ids.Count, ids.Count, 0), (result.Images, result.Written, result.Skipped));
        Assert.Equal(_tree.Predictions(WalkName + "@crf=0"), result.Folder);
        foreach (var id in ids)
        {
            var labels = PalettePng.Read(Path.Combine(result.Folder, id + ".png"));
            int w = labels.Width;
            Assert.Equal(_tree.Dataset.ReadImage(id).Width, w);
            for (int i = 0; i < labels.Labels.Length; i++) Assert.Equal((double)(i % w) / w < 0.5 ? Key : 0, labels.Labels[i]);
        }
        var record = OutputProvenance.Read(result.Folder)!;
        Assert.Equal(("0.35", "0"), (record.Settings["threshold"], record.Settings["crf_iteration"]));

        var again = PseudoLabelRunner.Run(Options);
        Assert.Equal((0, ids.Count), (again.Written, again.Skipped));
    }

    [Fact]
    public void AnotherThresholdIntoTheSameFolderIsRefused()
    {
        PseudoLabelRunner.Run(Options);
        var e = Assert.Throws<OutputFolderConflictException>(() => PseudoLabelRunner.Run(Options with { Rule = Options.Rule with { Threshold = 0.5 } }));
        Assert.Contains("threshold: 0.35 there, 0.5 now", e.Message);
    }

    [Fact]
    public void ACamFolderOrNoFolderIsRefusedNamingTheFlag()
    {
        _tree.WriteMaps("cams", CamInferenceRunner.StageName, (_, image) => new CamFile([0, Key], HighResCam: TinyStageTree.Columns(image.Width, image.Height, _ => 1f)));
        var foreign = Assert.Throws<BadInputException>(() => PseudoLabelRunner.Run(Options with { RandomWalkName = "cams" }));
        Assert.Contains("made by inference-classification, but inference-rw outputs are needed here (--experiment_name)", foreign.Message);

        var missing = Assert.Throws<BadInputException>(() => PseudoLabelRunner.Run(Options with { RandomWalkName = "none" }));
        Assert.Contains("input folder not found (--experiment_name)", missing.Message);
    }
}
