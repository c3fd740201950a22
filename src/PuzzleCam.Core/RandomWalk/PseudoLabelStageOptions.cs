namespace PuzzleCam.RandomWalk;

/// <summary>
/// Stage 6 over a split (<c>make_pseudo_labels.py</c>): the random-walk maps cut at a background threshold and refined
/// by the label CRF, one palette PNG per image in <c>predictions/{experiment_name}@crf={t}</c>. Defaults are the
/// reference script's; the README runs threshold 0.35 and one CRF iteration.
/// </summary>
public sealed record PseudoLabelStageOptions() : CrfLabelStageOptions("train")
{
    /// <summary><c>--experiment_name</c>: the name of the random-walk folder under predictions/ (stage 5's output) that is read.</summary>
    public string RandomWalkName { get; init; } = "";

    /// <summary><c>--threshold</c> and <c>--crf_iteration</c>: how a walk becomes labels.</summary>
    public PseudoLabelOptions Rule { get; init; } = new();

    /// <summary>The random-walk folder read.</summary>
    public string WalkDir => Layout.Predictions(RandomWalkName);

    /// <summary>
    /// The reference's name, <c>{experiment_name}@crf={t}</c>. The threshold is not in it (as in the reference), but the
    /// folder's record holds it, so a rerun with another threshold refuses instead of mixing labels.
    /// </summary>
    public override string OutputName => string.Create(CultureInfo.InvariantCulture, $"{RandomWalkName}@crf={Rule.CrfIterations}");

    /// <inheritdoc/>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(RandomWalkName)) throw new BadInputException("--experiment_name is required: the random-walk folder of inference-rw");
        base.Validate();
        Rule.Validate();
    }
}
