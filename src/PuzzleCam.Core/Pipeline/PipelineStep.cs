namespace PuzzleCam.Pipeline;

/// <summary>
/// One step of <see cref="Reproduction.Steps"/>: a stage of the paper's pipeline, behind its switch, run on what the
/// steps before it left in the shared <see cref="PipelineRun"/>.
/// </summary>
/// <param name="Stage">The switch in <see cref="ReproduceOptions.Stages"/> that runs it.</param>
/// <param name="Name">The switch's name in <c>puzzlecam reproduce --stages</c>.</param>
/// <param name="Number">
/// Its stage in the paper's pipeline, numbered as the reference's scripts are (1 train the classifier ... 8 segment);
/// null for the dataset and the CAM score, which are no stage of the method.
/// </param>
/// <param name="Run">What it does: it prints its own headings, runs its stage and records what it made.</param>
public sealed record PipelineStep(PipelineStages Stage, string Name, int? Number, Action<PipelineRun> Run);
