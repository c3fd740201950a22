using PuzzleCam.Crf;

namespace PuzzleCam.Experiments;

/// <summary>
/// The runner of a stage that turns an earlier stage's maps into label maps with the label CRF (stage 3's affinity
/// labels, stage 6's pseudo labels): for every id, its CAM-format file and its image, checked to be the same size,
/// become one palette PNG, on parallel CPU workers each with its own dense CRF, resumably. The folder is named after
/// its input folder, so no flag of the command names it anew.
/// </summary>
public static class CrfLabelStage
{
    /// <summary>
    /// Runs <paramref name="compute"/> (a stage's per-image core, such as <c>AffinityLabels.Compute</c>) over the split
    /// of <paramref name="options"/>. <paramref name="settings"/> are the stage's own; the input folder's path (under
    /// <paramref name="inputSetting"/>) and the VOC root's join them in the folder's record.
    /// </summary>
    public static PerImageResult Run(CrfLabelStageOptions options, string stage, CamFileInput input, string inputSetting,
        IReadOnlyDictionary<string, string> settings, Func<CamFile, RgbImage, DenseCrf, LabelMap> compute,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(compute);
        options.Validate();
        var dataset = options.OpenDataset();
        var inputs = input.Require(dataset.Ids);
        var outputs = PerImageOutputs.For(options, dataset, stage, options.OutputDir, ".png",
            new Dictionary<string, string>(settings) { [inputSetting] = options.Layout.Portable(input.Folder) }) with
        {
            InputFiles = inputs,
            NamedBy = null,
        };
        return PerImageStage.RunInParallel(outputs, () => new Work(input, dataset, compute), options.Workers, progress, cancel);
    }

    private sealed class Work(CamFileInput input, VocDataset dataset, Func<CamFile, RgbImage, DenseCrf, LabelMap> compute)
        : IImageWork<(CamFile File, ClassMaps Maps, RgbImage Image)>
    {
        private readonly DenseCrf _crf = new();

        public (CamFile File, ClassMaps Maps, RgbImage Image) Read(string id)
        {
            var (file, maps) = input.Read(id);
            return (file, maps, dataset.ReadImage(id));
        }

        public void Process(string id, (CamFile File, ClassMaps Maps, RgbImage Image) read, string outputPath)
        {
            StageInputs.CheckSize(read.Maps, read.Image, input.PathOf(id), dataset.ImagePath(id));
            PalettePng.Write(outputPath, compute(read.File, read.Image, _crf));
        }
    }
}
