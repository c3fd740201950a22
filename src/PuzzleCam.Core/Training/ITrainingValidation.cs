namespace PuzzleCam.Training;

/// <summary>The in-training score of a stage, which decides the model a run keeps.</summary>
public interface ITrainingValidation<in TModel>
{
    /// <summary>The log's name of the score (e.g. <c>train_mIoU</c>).</summary>
    string ScoreName { get; }

    /// <summary>The log's name of the best score so far (e.g. <c>best_train_mIoU</c>).</summary>
    string BestName { get; }

    /// <summary>Scores <paramref name="model"/> on <paramref name="device"/>; its training mode is restored after.</summary>
    ValidationScore Score(TModel model, Device device, CancellationToken cancel);
}

/// <summary>A validation's score: the mIoU (percent) and, for CAMs, the threshold it was reached at.</summary>
public readonly record struct ValidationScore(double Miou, double? Threshold = null);
