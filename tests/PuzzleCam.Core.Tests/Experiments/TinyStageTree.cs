using PuzzleCam.Cams;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.Experiments;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Experiments;

/// <summary>
/// A three-image synthetic VOC tree (48 px) and an experiments folder, where a test writes hand-made maps as an
/// earlier stage would, to run a later stage on them.
/// </summary>
public sealed class TinyStageTree : IDisposable
{
    public TinyStageTree()
    {
        Root = Directory.CreateTempSubdirectory("tinystage").FullName;
        DataDir = Path.Combine(Root, "voc");
        SyntheticVocDataset.Generate(DataDir, new SyntheticOptions { Train = 3, Val = 1, Size = SyntheticOptions.MinSize, Seed = 2 });
        Experiments = Path.Combine(Root, "experiments");
        Dataset = VocDataset.Open(DataDir, ImageListSource.FromDomain(Domain));
    }

    /// <summary>The split the stages run over: every training image.</summary>
    public const string Domain = "train_aug";

    public string Root { get; }
    public string DataDir { get; }
    public string Experiments { get; }
    public VocDataset Dataset { get; }

    /// <summary>The folder <c>predictions/{name}</c>.</summary>
    public string Predictions(string name) => new ExperimentLayout(Experiments).Predictions(name);

    /// <summary>Writes <paramref name="make"/>'s file of every id (by its index and image) to <c>predictions/{name}</c>, recorded as made by <paramref name="stage"/>.</summary>
    public string WriteMaps(string name, string stage, Func<int, RgbImage, CamFile> make)
    {
        var folder = Predictions(name);
        Directory.CreateDirectory(folder);
        var none = new Dictionary<string, string>();
        OutputProvenance.Claim(folder, "*" + CamFile.Extension, stage, none, none, none).Write(folder);
        for (int i = 0; i < Dataset.Ids.Count; i++) make(i, Dataset.ReadImage(Dataset.Ids[i])).Write(Path.Combine(folder, Dataset.Ids[i] + CamFile.Extension));
        return folder;
    }

    /// <summary>One class's maps [1, H, W] whose value at (x, y) is <paramref name="value"/>(x / width).</summary>
    public static ClassMaps Columns(int width, int height, Func<double, float> value)
    {
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                values[y * width + x] = value((double)x / width);
        return new ClassMaps(1, height, width, values);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
