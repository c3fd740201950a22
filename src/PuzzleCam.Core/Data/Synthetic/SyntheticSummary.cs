using System.Text;

namespace PuzzleCam.Data.Synthetic;

/// <summary>What a <see cref="SyntheticVocDataset.Generate"/> run wrote, and the statistics of its labels.</summary>
/// <param name="Root">The dataset root (absolute).</param>
/// <param name="Options">The options that produced it.</param>
/// <param name="TrainAugImages">Images in <c>train_aug.txt</c> (all training images).</param>
/// <param name="TrainImages">Images in <c>train.txt</c> (a subset of train_aug).</param>
/// <param name="ValImages">Images in <c>val.txt</c>.</param>
/// <param name="TrainAugImagesPerClass">Per class (VOC order), the train_aug images that contain it.</param>
/// <param name="ValImagesPerClass">Per class (VOC order), the val images that contain it.</param>
/// <param name="ObjectsPerImage">Mean number of annotated objects per image, over both splits.</param>
/// <param name="LabelFractions">Share of all mask pixels per label 0..20 (background, then the classes).</param>
/// <param name="VoidFraction">Share of mask pixels that are void (255).</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record SyntheticSummary(
    string Root,
    SyntheticOptions Options,
    int TrainAugImages,
    int TrainImages,
    int ValImages,
    IReadOnlyList<int> TrainAugImagesPerClass,
    IReadOnlyList<int> ValImagesPerClass,
    double ObjectsPerImage,
    IReadOnlyList<double> LabelFractions,
    double VoidFraction,
    TimeSpan Elapsed)
{
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Synthetic VOC 2012 dataset in {Root} (seed {Options.Seed}, {Options.Size}x{Options.Size} px, JPEG quality {Options.JpegQuality})");
        sb.AppendLine(c, $"train_aug {TrainAugImages} images (train: the first {TrainImages}), val {ValImages}; {ObjectsPerImage:F2} objects per image; written in {Elapsed.TotalSeconds:F1} s");
        sb.AppendLine(c, $"pixels: background {100 * LabelFractions[0]:F1} %, objects {100 * (1 - LabelFractions[0] - VoidFraction):F1} %, void {100 * VoidFraction:F1} %");
        sb.AppendLine(c, $"{"class",-12} {"train_aug",9} {"val",6} {"pixels",8}");
        for (int k = 0; k < VocClasses.Count; k++)
            sb.AppendLine(c, $"{VocClasses.Names[k],-12} {TrainAugImagesPerClass[k],9} {ValImagesPerClass[k],6} {100 * LabelFractions[k + 1],6:F2} %");
        return sb.ToString().TrimEnd('\n');
    }
}
