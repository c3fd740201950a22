using System.Runtime.InteropServices;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.Evaluation;

namespace PuzzleCam.Classification;

/// <summary>The in-training CAM score: the best threshold of the sweep and its mIoU (percent).</summary>
public sealed record CamValidationResult(double Miou, double Threshold, SegmentationScores Scores);

/// <summary>
/// The reference's checkpoint-selection score: CAMs of the top-left crop, masked by the image's tags,
/// against the ground truth brought to the feature grid with cv2's INTER_NEAREST, over the thresholds 0.10..0.45.
/// Every image of the split is scored (the reference drops the last partial batch, which only loses information).
/// </summary>
public sealed class CamValidation : ITrainingValidation<Classifier>
{
    private sealed record Sample(ChwImage Image, float[] Tags, LabelMap Mask);

    private readonly ValidationBatches<Sample> _batches;

    public CamValidation(VocDataset dataset, int imageSize, int batchSize)
    {
        var pipeline = TransformPipeline.ForValidation(AugmentationOptions.Classification with { CropSize = imageSize });
        Dataset = dataset;
        _batches = new ValidationBatches<Sample>(dataset.Count, (i, rng) =>
        {
            var sample = dataset.Read(dataset.Ids[i]);
            var mask = sample.Mask ?? throw new InvalidDataFileException(dataset.MaskPath(sample.Id), "the evaluation split needs a ground-truth mask for every image");
            var t = pipeline.Apply(sample.Image, mask, rng);
            return new Sample(t.Image, sample.Tags, t.Mask!);
        }, batchSize);
    }

    public VocDataset Dataset { get; }

    public string ScoreName => "train_mIoU";

    public string BestName => "best_train_mIoU";

    public CamValidationResult Evaluate(Classifier model, Device device, CancellationToken cancel = default)
    {
        var sweep = ThresholdSweep.ForTraining();
        _batches.Score(model, batch =>
        {
            var images = TensorCollate.Images(batch.Select(s => s.Image).ToList()).to(device);
            var tags = TensorCollate.Rows(batch.Select(s => s.Tags).ToList()).to(device);
            var features = model.forward(images).Features;
            var cams = (ClassActivationMaps.MakeCam(features) * tags.unsqueeze(2).unsqueeze(3)).cpu().contiguous();
            int classes = (int)cams.shape[1], h = (int)cams.shape[2], w = (int)cams.shape[3];
            var all = MemoryMarshal.Cast<byte, float>(cams.bytes);
            for (int b = 0; b < batch.Count; b++)
            {
                var maps = new ClassMaps(classes, h, w, all.Slice(b * classes * h * w, classes * h * w).ToArray());
                sweep.Add(maps, ThresholdSweep.AllClassKeys, NearestLikeCv2(batch[b].Mask, w, h));
            }
        }, cancel);
        var best = sweep.Best();
        return new CamValidationResult(best.Scores.MeanIou, best.Threshold, best.Scores);
    }

    ValidationScore ITrainingValidation<Classifier>.Score(Classifier model, Device device, CancellationToken cancel)
    {
        var result = Evaluate(model, device, cancel);
        return new ValidationScore(result.Miou, result.Threshold);
    }

    /// <summary>cv2.resize INTER_NEAREST: destination pixel x takes source pixel floor(x * src / dst), the block's top-left.</summary>
    internal static LabelMap NearestLikeCv2(LabelMap source, int width, int height)
    {
        var result = new LabelMap(width, height);
        double sx = (double)source.Width / width, sy = (double)source.Height / height;
        for (int y = 0; y < height; y++)
        {
            int srcY = Math.Min((int)Math.Floor(y * sy), source.Height - 1);
            for (int x = 0; x < width; x++)
                result[y, x] = source[srcY, Math.Min((int)Math.Floor(x * sx), source.Width - 1)];
        }
        return result;
    }
}
