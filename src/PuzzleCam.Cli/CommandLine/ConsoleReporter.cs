using PuzzleCam.Experiments;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>The pipeline's reports on the console: headings and results on standard output, progress bars on standard error.</summary>
internal sealed class ConsoleReporter(TextWriter output) : IPipelineReporter
{
    public void Stage(string name) => output.WriteLine($"== {name}");

    public void Info(string message) => output.WriteLine(message);

    public IProgress<StageProgress> Progress(string label) => new ConsoleProgress(label);
}
