using PuzzleCam.Runtime;

namespace PuzzleCam.Cli.Commands;

internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Load TorchSharp and print the versions, CPU threads and CUDA devices this machine offers.");
        command.SetAction(r =>
        {
            r.InvocationConfiguration.Output.WriteLine(TorchRuntime.EnsureLoaded());
            return CliApp.Ok;
        });
        return command;
    }
}
