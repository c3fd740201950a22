using System.CommandLine;

namespace PuzzleCam.Cli.Tests;

public class CommandLineTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var path in AllCommandPaths(Program.BuildRoot(), "")) data.Add(path);
        return data;
    }

    private static IEnumerable<string> AllCommandPaths(Command command, string prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            var path = (prefix + " " + sub.Name).Trim();
            yield return path;
            foreach (var deeper in AllCommandPaths(sub, path)) yield return deeper;
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryCommandHasHelp(string command)
    {
        var result = CliHarness.Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
    }

    [Fact]
    public void UnknownFlagIsOneLineNamingIt()
    {
        var result = CliHarness.Run("check-data", "--no_such_flag");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no_such_flag", result.Error.Split('\n')[0]);
    }

    [Fact]
    public void SnakeAndKebabSpellingsAreBothAccepted()
    {
        var snake = CliHarness.Run("check-data", "--data_dir", "/no/such/root");
        var kebab = CliHarness.Run("check-data", "--data-dir", "/no/such/root");
        Assert.Equal(1, snake.ExitCode);
        Assert.Equal(snake.Error, kebab.Error);
        Assert.Contains("/no/such/root", snake.Error);
        Assert.Single(snake.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("train-classification")]
    [InlineData("train-classification-with-puzzle")]
    public void AugmentTypoStopsBeforeTrainingNamingTheFlag(string command)
    {
        var result = CliHarness.Run(command, "--tag", "t", "--augment", "colourjitter");
        Assert.Equal(2, result.ExitCode);
        var first = result.Error.Split('\n')[0];
        Assert.Contains("--augment", first);
        Assert.Contains("colourjitter", first);
        var help = CliHarness.Run(command, "--help");
        Assert.Contains("--augment", help.Output);
    }
}
