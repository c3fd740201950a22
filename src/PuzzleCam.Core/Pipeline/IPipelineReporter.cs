namespace PuzzleCam.Pipeline;

/// <summary>Where the driver reports: stage headings, messages, and a progress sink for long loops.</summary>
public interface IPipelineReporter
{
    void Stage(string name);
    void Info(string message);

    /// <summary>A sink for the progress of a long loop; the loop reports its own total.</summary>
    IProgress<StageProgress> Progress(string label);
}
