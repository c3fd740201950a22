using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.Evaluation;

namespace PuzzleCam.Segmentation;

/// <summary>
/// The in-training score of stage 7, as the reference computes it: each image normalised and cut to the top-left
/// <c>image_size</c>² canvas (smaller images padded, the padding labelled 255), the argmax of the logits, and the
/// mIoU over the 21 labels against the labels of the same canvas. Every image of the split is scored (the reference
/// drops the last partial batch, which only loses information).
/// </summary>
public sealed class SegmentationValidation : ITrainingValidation<DeepLabV3Plus>
{
    private sealed record Sample(ChwImage Image, LabelMap Mask);

    private readonly ValidationBatches<Sample> _batches;

    /// <param name="dataset">The images scored.</param>
    /// <param name="readLabels">The labels of an id (ground truth or pseudo labels), of its image's size.</param>
    /// <param name="imageSize">Side of the top-left canvas.</param>
    /// <param name="batchSize">Images per forward.</param>
    public SegmentationValidation(VocDataset dataset, Func<string, LabelMap> readLabels, int imageSize, int batchSize)
    {
        var pipeline = TransformPipeline.ForValidation(AugmentationOptions.Segmentation with { CropSize = imageSize });
        Dataset = dataset;
        _batches = new ValidationBatches<Sample>(dataset.Count, (i, rng) =>
        {
            var id = dataset.Ids[i];
            var t = pipeline.Apply(dataset.ReadImage(id), readLabels(id), rng);
            return new Sample(t.Image, t.Mask!);
        }, batchSize);
    }

    /// <summary>
    /// The ids a run of <paramref name="options"/> trains on, the validation that keeps its model (null with
    /// <see cref="CheckpointSelection.None"/>), and what that validation scores, in words.
    /// </summary>
    public static (VocDataset Train, SegmentationValidation? Validation, string ScoredOn) Split(SegmentationTrainingOptions options, VocDataset all, LabelFolder labels)
    {
        switch (options.Selection)
        {
            case CheckpointSelection.None:
                return (all, null, "the last epoch");
            case CheckpointSelection.PseudoHoldout:
            {
                var held = all.Ids.Where((_, i) => i % SegmentationTrainingOptions.HoldoutEvery == 0).ToList();
                var kept = all.Ids.Where((_, i) => i % SegmentationTrainingOptions.HoldoutEvery != 0).ToList();
                if (kept.Count == 0)
                    throw new BadInputException($"--selection pseudo_holdout holds out every {SegmentationTrainingOptions.HoldoutEvery}th image, which leaves none of the {all.Count} images of {options.Domain} to train on");
                var validation = new SegmentationValidation(all.WithIds(held), labels.Read, options.ImageSize, options.BatchSize);
                return (all.WithIds(kept), validation, $"the mIoU against the labels of {held.Count} held-out training images");
            }
            default:
            {
                var evaluation = VocDataset.Open(options.DataDir, ImageListSource.FromDomain(options.EvalDomain));
                var validation = new SegmentationValidation(evaluation, id => evaluation.ReadMask(id)
                    ?? throw new InvalidDataFileException(evaluation.MaskPath(id), "the evaluation split needs a ground-truth mask for every image"),
                    options.ImageSize, options.BatchSize);
                return (all, validation, $"the mIoU on the ground truth of {options.EvalDomain}");
            }
        }
    }

    public VocDataset Dataset { get; }

    public string ScoreName => "mIoU";

    public string BestName => "best_valid_mIoU";

    /// <summary>Scores <paramref name="model"/> (in eval mode for the duration; its mode is restored after).</summary>
    public SegmentationScores Evaluate(DeepLabV3Plus model, Device device, CancellationToken cancel = default)
    {
        var counts = new PixelCounts();
        _batches.Score(model, batch =>
        {
            var images = TensorCollate.Images(batch.Select(s => s.Image).ToList()).to(device);
            var predictions = model.forward(images).argmax(1).to(ScalarType.Byte).cpu().contiguous();
            var all = predictions.bytes;
            int plane = (int)(predictions.shape[1] * predictions.shape[2]);
            for (int b = 0; b < batch.Count; b++) counts.Add(all.Slice(b * plane, plane), batch[b].Mask.Labels);
        }, cancel);
        return counts.Scores();
    }

    ValidationScore ITrainingValidation<DeepLabV3Plus>.Score(DeepLabV3Plus model, Device device, CancellationToken cancel) =>
        new(Evaluate(model, device, cancel).MeanIou);
}
