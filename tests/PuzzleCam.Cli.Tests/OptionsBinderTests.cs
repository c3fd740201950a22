using System.CommandLine;
using PuzzleCam.Classification;
using PuzzleCam.Cli.CommandLine;

namespace PuzzleCam.Cli.Tests;

/// <summary>Flags bound to an options record: the defaults are the record's, and each parsed value lands in its property.</summary>
public class OptionsBinderTests
{
    private static (OptionsBinder<ClassifierTrainingOptions> Flags, Command Command) Classifier()
    {
        var flags = new OptionsBinder<ClassifierTrainingOptions>(new ClassifierTrainingOptions());
        TrainingFlags.AddTo(flags, new TrainingHelp("new layers", "training split", "lr", "crop", 16, "tag"));
        flags.Words("re_loss", "distance", o => o.Losses.Distance, (o, v) => o with { Losses = o.Losses with { Distance = v } }, PuzzleLossWords.Distances);
        return (flags, flags.Command("train", "a test command"));
    }

    [Fact]
    public void UngivenFlagsLeaveTheRecordsDefaults()
    {
        var (flags, command) = Classifier();
        var parsed = command.Parse(["--tag", "t"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(new ClassifierTrainingOptions { Tag = "t" }, flags.Read(parsed));
    }

    [Fact]
    public void GivenFlagsSetTheirProperties()
    {
        var (flags, command) = Classifier();
        var parsed = command.Parse(["--tag", "t", "--lr", "0.5", "--momentum", "0.9", "--max-iterations", "7", "--domain", "train", "--re_loss", "L2_Loss", "--nesterov", "false"]);
        Assert.Empty(parsed.Errors);
        var options = flags.Read(parsed);
        Assert.Equal(new ClassifierTrainingOptions
        {
            Tag = "t", LearningRate = 0.5, Momentum = 0.9, MaxIterations = 7, Domain = "train", Nesterov = false,
            Losses = new PuzzleLossOptions { Distance = ReconstructionDistance.L2 },
        }, options);
    }

    [Theory]
    [InlineData("--re_loss", "L3_Loss")]
    [InlineData("--momentum", "1")]
    [InlineData("--batch_size", "0")]
    public void AValueOutsideItsRangeIsAnErrorNamingTheFlag(string flag, string value)
    {
        var (_, command) = Classifier();
        var parsed = command.Parse(["--tag", "t", flag, value]);
        Assert.Contains(parsed.Errors, e => e.Message.Contains(flag, StringComparison.Ordinal));
    }

    [Fact]
    public void HelpShowsTheRecordsDefault()
    {
        var (flags, _) = Classifier();
        var lr = flags.Declared.Single(o => o.Name == "--lr");
        Assert.Equal(new ClassifierTrainingOptions().LearningRate, ((Option<double>)lr).DefaultValueFactory!(null!));
    }
}
