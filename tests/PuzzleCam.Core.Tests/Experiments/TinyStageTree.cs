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

    /// <summary>
    /// Writes a CAM folder as stage 2 would (<c>cam</c> at stride 4 and <c>hr_cam</c> at the image's size) to
    /// <c>predictions/{name}</c>: image <c>i</c> names the classes <paramref name="keys"/>(i) (after the leading 0), and
    /// plane <c>c</c> holds <paramref name="value"/>(c, plane count, x / width) at every pixel of both arrays.
    /// </summary>
    public string WriteCams(string name, Func<int, long[]> keys, Func<int, int, double, float> value) =>
        WriteMaps(name, CamInferenceRunner.StageName, (i, image) =>
        {
            long[] named = [0, .. keys(i)];
            int classes = named.Length - 1;
            return new CamFile(named,
                Cam: Planes(classes, (image.Width + 3) / 4, (image.Height + 3) / 4, value),
                HighResCam: Planes(classes, image.Width, image.Height, value));
        });

    /// <summary>Maps [classes, H, W] whose plane c holds <paramref name="value"/>(c, classes, x / width) in every row.</summary>
    public static ClassMaps Planes(int classes, int width, int height, Func<int, int, double, float> value)
    {
        var values = new float[classes * width * height];
        for (int c = 0; c < classes; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    values[(c * height + y) * width + x] = value(c, classes, (double)x / width);
        return new ClassMaps(classes, height, width, values);
    }

    /// <summary>For <see cref="WriteCams"/>: class c of <paramref name="classes"/> is 1 on its own vertical stripe of the image's left 60%, 0 elsewhere.</summary>
    public static float Stripes(int c, int classes, double x) => x < 0.6 && (int)(x / 0.6 * classes) == c ? 1f : 0f;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
