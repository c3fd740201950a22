namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 5 over a split (<c>inference_rw.py</c>): the CAMs of stage 2 walked over the edges of the stage-4 AffinityNet,
/// one <c>.npz</c> (keys, rw) per image in <c>predictions/{model_name}@train@beta=10@exp_times=8@rw</c>. Defaults are
/// the reference script's. With <see cref="ModelStageOptions.MaxSide"/>, an image is walked on a shrunk copy (its
/// stride-4 CAMs resized to the copy's grid) and the walked maps are resized back to the image's size.
/// </summary>
public sealed record RandomWalkStageOptions() : ModelStageOptions("train")
{
    /// <summary><c>--architecture</c>: the AffinityNet's backbone; must match the checkpoint.</summary>
    public string Architecture { get; init; } = "resnet50";

    /// <summary><c>--model_name</c>: the stage-4 tag, <c>models/{model_name}.pth</c>.</summary>
    public string ModelName { get; init; } = "";

    /// <summary><c>--cam_dir</c>: the CAM folder under predictions/ (stage 2's output).</summary>
    public string CamDir { get; init; } = "";

    /// <summary><c>--beta</c>, <c>--exp_times</c> and <c>--propagation</c>.</summary>
    public RandomWalkOptions Walk { get; init; } = new();

    /// <summary>The reference's name: <c>{model_name}@train@beta={beta}@exp_times={exp_times}@rw</c> (<c>@val</c> for a domain without "train").</summary>
    public string ExperimentName => string.Create(CultureInfo.InvariantCulture,
        $"{ModelName}@{(Domain.Contains("train", StringComparison.Ordinal) ? "train" : "val")}@beta={Walk.Beta}@exp_times={Walk.ExpTimes}@rw");

    /// <summary>The folder the walked maps go to.</summary>
    public string OutputDir => Layout.Predictions(ExperimentName);

    /// <summary>The CAM folder read.</summary>
    public string CamFolder => Layout.Predictions(CamDir);

    /// <summary>The AffinityNet's weights, <c>models/{model_name}.pth</c>.</summary>
    public override string CheckpointPath => Layout.Model(ModelName);

    /// <inheritdoc/>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelName)) throw new BadInputException("--model_name is required: the tag of train-affinitynet");
        if (string.IsNullOrWhiteSpace(CamDir)) throw new BadInputException("--cam_dir is required: the CAM folder of inference-classification");
        base.Validate();
        Backbones.Find(Architecture);
        Walk.Validate();
    }
}
