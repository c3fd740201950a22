using System.Text.Json.Serialization;

namespace PuzzleCam.Experiments;

/// <summary>
/// The settings every per-image stage shares, with the reference scripts' flag names: the split it runs over, the VOC
/// root it reads and the experiments folder it reads from and writes to. A stage's record adds its own settings and
/// passes its script's default split.
/// </summary>
public abstract record PerImageStageOptions
{
    /// <param name="domain">The script's <c>--domain</c> default.</param>
    protected PerImageStageOptions(string domain) => Domain = domain;

    /// <summary><c>--data_dir</c>: the VOC root (JPEGImages, Annotations, ImageSets/Segmentation).</summary>
    public string DataDir { get; init; } = Data.Synthetic.SyntheticVocDataset.DefaultRoot;

    /// <summary><c>--domain</c>: the split whose images the stage runs over.</summary>
    public string Domain { get; init; }

    /// <summary>Root of models and predictions (the reference writes <c>experiments/</c> in the working directory).</summary>
    public string ExperimentsDir { get; init; } = ExperimentLayout.DefaultRoot;

    /// <summary>The folders and files under <see cref="ExperimentsDir"/>.</summary>
    [JsonIgnore]
    public ExperimentLayout Layout => new(ExperimentsDir);

    /// <summary>The images of <see cref="Domain"/> under <see cref="DataDir"/>.</summary>
    public VocDataset OpenDataset() => VocDataset.Open(DataDir, ImageListSource.FromDomain(Domain));

    /// <summary>Throws <see cref="BadInputException"/> naming the offending flag.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(Domain)) throw new BadInputException("--domain is empty");
        if (string.IsNullOrWhiteSpace(DataDir)) throw new BadInputException("--data_dir is empty");
    }
}
