using PuzzleCam.Experiments;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>The action of every per-image stage's command: read its record, check the experiments folder, run, report.</summary>
internal static class PerImageCommand
{
    /// <summary>
    /// A command that runs <paramref name="run"/> with the console's progress bar, prints its result and then the
    /// command that follows (<paramref name="next"/>, null for none).
    /// </summary>
    public static Command Create<T>(OptionsBinder<T> flags, string name, string description,
        Func<T, IProgress<StageProgress>, CancellationToken, object> run, Func<T, string?> next) where T : PerImageStageOptions
    {
        var command = flags.Command(name, description);
        command.SetAction((r, cancel) =>
        {
            var options = flags.Read(r);
            IO.OutputLocation.CheckFolder(options.ExperimentsDir, "--experiments_dir");
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(run(options, new ConsoleProgress(name), cancel));
            if (next(options) is { } line) output.WriteLine(line);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    /// <summary>
    /// The <c>evaluate</c> command that scores a prediction folder; <c>train_aug</c> becomes <c>train</c>, the part of it
    /// with masks, as the reference's own hint does.
    /// </summary>
    public static string Evaluate(PerImageStageOptions options, string experimentName, string? mode) =>
        $"evaluate with: puzzlecam evaluate --experiment_name \"{experimentName}\" --domain {(options.Domain == "train_aug" ? "train" : options.Domain)}"
        + (mode is null ? "" : $" --mode {mode}") + $" --data_dir \"{options.DataDir}\" --experiments_dir \"{options.ExperimentsDir}\"";
}
