using PuzzleCam.Cams;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Experiments;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// The flags that many stages share, declared once. Defaults come from Core (the options records and the layout), so
/// the command line and a notebook that builds the records itself agree.
/// </summary>
internal static class StageFlags
{
    /// <summary><c>--data_dir</c>: the VOC root, by default the synthetic dataset's.</summary>
    public static Option<string> DataDir(string description = "VOC root (JPEGImages, Annotations, SegmentationClass, ImageSets)") =>
        Flags.Create("data_dir", description, () => SyntheticVocDataset.DefaultRoot);

    /// <summary><c>--domain</c>: a split, i.e. a list under ImageSets/Segmentation.</summary>
    public static Option<string> Domain(string defaultValue, string description = "split name: the list ImageSets/Segmentation/NAME.txt of the VOC root") =>
        Flags.Create("domain", description, () => defaultValue);

    /// <summary><c>--experiments_dir</c>: the root of models, logs and predictions.</summary>
    public static Option<string> ExperimentsDir() =>
        Flags.Create("experiments_dir", "root of the experiment outputs (models, logs, data, predictions)", () => ExperimentLayout.DefaultRoot);

    /// <summary><c>--gpus</c>: the devices a stage runs on.</summary>
    public static Option<string?> Gpus(string description = "CUDA device index (the first is used); 'cpu' for the CPU; default: CUDA device 0 if any, else the CPU") =>
        Flags.Create<string?>("gpus", description);

    /// <summary><c>--mode</c>: how BatchNorm layers are built (normal or fix).</summary>
    public static Option<string> Mode<T>(OptionsBinder<T> flags, string description, Func<T, NormMode> get, Func<T, NormMode, T> set) where T : class =>
        flags.Words("mode", description, get, set, [("normal", NormMode.Normal), ("fix", NormMode.Fix)]);

    /// <summary>
    /// <c>--seed</c> of a stage that draws nothing at random: taken, so that the reference's command lines (which pass
    /// one to every script) run as written, and unused.
    /// </summary>
    public static Option<int> UnusedSeed(string why = "inference draws nothing at random") =>
        Flags.Int("seed", "accepted for the reference's command lines; " + why, 0, 0);

    /// <summary><c>--max_side</c>: the longer side a large image is shrunk to before a per-image stage's network sees it.</summary>
    public static Option<int?> MaxSide(string writes) =>
        Flags.OptionalInt("max_side",
            $"shrink an image whose longer side is longer to this many pixels before the network (and its scales) sees it, and resize {writes} back to the image's size; " +
            $"default: every image at its own size, and one that would give the network more than {(LargeImages.NetworkPixels / 1e6).ToString(System.Globalization.CultureInfo.InvariantCulture)} megapixels at a scale is refused, naming the value that fits",
            LargeImages.MaxSideProblem);

    /// <summary><c>--scales</c>: multi-scale inference scales, each with its horizontal flip, bound to a record's scale list.</summary>
    public static Option<string> Scales<T>(OptionsBinder<T> flags, Func<T, IReadOnlyList<double>> get, Func<T, IReadOnlyList<double>, T> set) where T : class =>
        flags.Bind(Flags.CheckedBy(Flags.Create("scales", "comma-separated image scales, each with its horizontal flip",
            () => string.Join(",", get(flags.Defaults).Select(CamInferenceOptions.FormatScale))), CamInferenceOptions.ScalesProblem),
            (o, v) => set(o, CamInferenceOptions.ParseScales(v)));

    /// <summary><c>--domain</c>, <c>--data_dir</c> and <c>--experiments_dir</c>, which every per-image stage takes.</summary>
    public static void PerImage<T>(OptionsBinder<T> flags, string domainHelp) where T : PerImageStageOptions
    {
        flags.Text("domain", domainHelp, o => o.Domain, (o, v) => (T)(o with { Domain = v }));
        flags.Bind(DataDir(), (o, v) => (T)(o with { DataDir = v }));
        flags.Bind(ExperimentsDir(), (o, v) => (T)(o with { ExperimentsDir = v }));
    }

    /// <summary>
    /// <c>--gpus</c> and <c>--max_side</c> of a stage that runs a network on every image (<paramref name="writes"/>:
    /// what it resizes back), and the <c>--seed</c> the reference passes to it.
    /// </summary>
    public static void Model<T>(OptionsBinder<T> flags, string writes) where T : ModelStageOptions
    {
        flags.Bind(Gpus(), (o, v) => (T)(o with { Gpus = v }));
        flags.Bind(MaxSide(writes), (o, v) => (T)(o with { MaxSide = v }));
        flags.Add(UnusedSeed());
    }

    /// <summary><c>--num_workers</c> of a label CRF stage, and the <c>--seed</c> the reference passes to it.</summary>
    public static void CrfLabels<T>(OptionsBinder<T> flags) where T : CrfLabelStageOptions
    {
        flags.Int("num_workers", "images labelled at once, one CRF each", o => o.Workers, (o, v) => (T)(o with { Workers = v }), 1, 256);
        flags.Add(UnusedSeed("nothing here is random"));
    }
}
