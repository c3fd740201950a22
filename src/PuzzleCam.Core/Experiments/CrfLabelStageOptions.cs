namespace PuzzleCam.Experiments;

/// <summary>
/// The settings of a stage that turns an earlier stage's maps into label maps with the label CRF (affinity labels,
/// pseudo labels): how many images are labelled at once, and the folder the labels go to.
/// </summary>
public abstract record CrfLabelStageOptions : PerImageStageOptions
{
    /// <param name="domain">The script's <c>--domain</c> default.</param>
    protected CrfLabelStageOptions(string domain) : base(domain)
    {
    }

    /// <summary><c>--num_workers</c>: images labelled at once, one CRF each (default: every core).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>The reference's name of the output folder under predictions/, made of the input's name and the settings.</summary>
    public abstract string OutputName { get; }

    /// <summary>The folder the labels go to.</summary>
    public string OutputDir => Layout.Predictions(OutputName);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Workers < 1) throw new BadInputException($"--num_workers must be at least 1, got {Workers}");
    }
}
