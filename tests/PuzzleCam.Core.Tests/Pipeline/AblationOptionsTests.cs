using PuzzleCam.Classification;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Core.Tests.Pipeline;

public class AblationOptionsTests
{
    [Theory]
    [InlineData(new int[0], "--seeds")]
    [InlineData(new[] { 0, -1 }, "--seeds")]
    [InlineData(new[] { 1, 0, 1 }, "--seeds")]
    public void BadSeedsAreRefusedNamingTheFlag(int[] seeds, string flag)
    {
        var error = Assert.Throws<BadInputException>(() => new AblationOptions { Seeds = seeds }.Validate());
        Assert.StartsWith(flag, error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AlphaScheduleOutsideTheUnitIntervalIsRefused(double schedule)
    {
        var error = Assert.Throws<BadInputException>(() => new AblationOptions { AlphaSchedule = schedule }.Validate());
        Assert.StartsWith("--alpha_schedule", error.Message);
    }

    [Fact]
    public void TheJobsOptionsAreCheckedToo()
    {
        var error = Assert.Throws<BadInputException>(() => new AblationOptions { Job = ReproduceOptions.ForSynthetic() with { Scales = [] } }.Validate());
        Assert.StartsWith("--scales", error.Message);
    }

    [Fact]
    public void ClsAndPuzzleCamAreTheMainJobsClassifiersToTheLetter()
    {
        var options = new AblationOptions();
        var job = options.JobFor(1);
        var main = job.Classifier with { DataDir = job.DataDir };
        var settings = options.Settings();
        Assert.Equal(["cls", "cls+pcl", "cls+re", "cls+pcl+re"], settings.Select(s => s.Name));
        // As reproduce --seed 1 names and configures its two classifiers.
        Assert.Equal(main with { Puzzle = false, Tag = "synthetic-resnet18-seed1-baseline" }, settings[0].Classifier(job));
        Assert.Equal(main with { Puzzle = true, Tag = "synthetic-resnet18-seed1-puzzle" }, settings[3].Classifier(job));
        Assert.Equal(1, settings[3].Classifier(job).Seed);
    }

    [Fact]
    public void TheMiddleRowsDropOneTermEach()
    {
        var settings = new AblationOptions().Settings();
        var pcl = settings[1].Classifier(new AblationOptions().JobFor(0));
        var re = settings[2].Classifier(new AblationOptions().JobFor(0));
        Assert.Equal("synthetic-resnet18-seed0-cls_pcl", pcl.Tag);
        Assert.True(pcl.Losses.PuzzleClassLoss);
        Assert.False(pcl.Losses.ReconstructionLoss);
        Assert.Equal("synthetic-resnet18-seed0-cls_re", re.Tag);
        Assert.False(re.Losses.PuzzleClassLoss);
        Assert.True(re.Losses.ReconstructionLoss);
        Assert.Equal(4, re.Losses.Alpha);
    }

    [Fact]
    public void AVariantRowIsAddedOnlyForAValueOtherThanTheMainJobs()
    {
        Assert.Equal(4, new AblationOptions { Distance = ReconstructionDistance.L1, Selection = ReconstructionSelection.Masking, AlphaSchedule = 0.5 }.Settings().Count);
        var settings = new AblationOptions { Distance = ReconstructionDistance.L2, Selection = ReconstructionSelection.Selection, AlphaSchedule = 0 }.Settings();
        Assert.Equal(["cls+pcl+re, re_loss L2_Loss", "cls+pcl+re, re_loss_option selection", "cls+pcl+re, alpha_schedule 0"], settings.Skip(4).Select(s => s.Name));
        Assert.Equal(["puzzle-re_loss=L2_Loss", "puzzle-re_loss_option=selection", "puzzle-alpha_schedule=0"], settings.Skip(4).Select(s => s.TagSuffix));
        Assert.Equal(ReconstructionDistance.L2, settings[4].Losses.Distance);
        Assert.Equal(ReconstructionSelection.Selection, settings[5].Losses.Selection);
        Assert.Equal(0, settings[6].Losses.AlphaSchedule);
        Assert.All(settings.Skip(4), s => Assert.True(s.Puzzle && s.Losses.PuzzleClassLoss && s.Losses.ReconstructionLoss));
    }

    [Fact]
    public void SeedsParseFromACommaList()
    {
        Assert.Equal([0, 1, 7], AblationOptions.ParseSeeds("0, 1,7"));
        Assert.StartsWith("--seeds", Assert.Throws<BadInputException>(() => AblationOptions.ParseSeeds("0,one")).Message);
    }

    [Fact]
    public void TheTableHasAColumnPerSeedTheirMeanAndThePapersValue()
    {
        AblationRow[] rows = [new("cls", 0, 20.00), new("cls", 1, 22.00), new("cls+pcl+re", 0, 30.00), new("cls+pcl+re", 1, 31.00), new("cls+pcl+re, alpha_schedule 0", 0, 25.00)];
        var lines = AblationResult.Table(rows).Split('\n');
        Assert.Matches(@"^setting\s+seed 0\s+seed 1\s+mean\s+paper \(ResNet-50\)$", lines[0]);
        Assert.Matches(@"^cls\s+20\.00\s+22\.00\s+21\.00\s+47\.82$", lines[1]);
        Assert.Matches(@"^cls\+pcl\+re\s+30\.00\s+31\.00\s+30\.50\s+51\.53$", lines[2]);
        Assert.Matches(@"^cls\+pcl\+re, alpha_schedule 0\s+25\.00\s+-\s+25\.00\s+-$", lines[3]);
    }

    [Fact]
    public void RowsRoundTripThroughTheFile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ablation").FullName, "ablation.json");
        AblationRow[] rows = [new("cls", 0, 19.82), new("cls+re", 1, 23.5)];
        AblationResult.WriteRows(path, rows, 12.34);
        Assert.Equal(rows, AblationResult.ReadRows(path));
        File.WriteAllText(path, "{\"rows\": [{\"setting\": \"cls\"}]}");
        Assert.Null(AblationResult.ReadRows(path));
    }

    [Fact]
    public void AnotherAlphaAddsBothRowsThatWeighTheReconstructionLoss()
    {
        var settings = new AblationOptions { Alpha = 1 }.Settings();
        Assert.Equal(["cls+re, alpha 1", "cls+pcl+re, alpha 1"], settings.Skip(4).Select(s => s.Name));
        Assert.Equal(["cls_re-alpha=1", "puzzle-alpha=1"], settings.Skip(4).Select(s => s.TagSuffix));
        Assert.All(settings.Skip(4), s => Assert.Equal(1, s.Losses.Alpha));
        Assert.False(settings[4].Losses.PuzzleClassLoss);
        Assert.True(settings[5].Losses.PuzzleClassLoss && settings[5].Losses.ReconstructionLoss);
        Assert.Equal(4, new AblationOptions { Alpha = 4 }.Settings().Count);
        Assert.StartsWith("--alpha must be in (0, 100]", Assert.Throws<BadInputException>(() => new AblationOptions { Alpha = 0 }.Validate()).Message);
    }

    [Fact]
    public void AnotherLevelAddsThePuzzleTermsRowsAtThatLevel()
    {
        // The synthetic preset compares normalised CAMs, so the reference's default level is the other one.
        Assert.Equal(LossLevel.Cam, new AblationOptions().Job.Classifier.Losses.Level);
        var settings = new AblationOptions { Level = LossLevel.Feature }.Settings();
        Assert.Equal(["cls+pcl, level feature", "cls+re, level feature", "cls+pcl+re, level feature"], settings.Skip(4).Select(s => s.Name));
        Assert.Equal(["cls_pcl-level=feature", "cls_re-level=feature", "puzzle-level=feature"], settings.Skip(4).Select(s => s.TagSuffix));
        Assert.All(settings.Skip(4), s => Assert.Equal(LossLevel.Feature, s.Losses.Level));
        Assert.Equal(4, new AblationOptions { Level = LossLevel.Cam }.Settings().Count);
    }
}
