using PuzzleCam.Data;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Segmentation;

/// <summary>
/// Stage 7: trains DeepLabv3+ on a folder of label PNGs (the pseudo labels) on <see cref="Trainer"/>'s resumable loop,
/// with the reference's augmentation (random long side, flip, normalise, random crop padded with 0 / 255),
/// cross-entropy that ignores 255, and the four learning-rate groups; keeps the model as
/// <see cref="SegmentationTrainingOptions.Selection"/> says.
/// </summary>
public static class SegmentationTrainer
{
    /// <summary>
    /// DeepLabv3+ as the options build it: its backbone starts from the classifier of <c>--backbone_from</c>, or from
    /// ImageNet weights when the backbone or <c>--pretrained</c> provides them.
    /// </summary>
    public static DeepLabV3Plus CreateModel(SegmentationTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = DeepLabV3Plus.Create(options.Backbone, options.Mode, options.UseGroupNorm);
        if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(model.Backbone, options.Pretrained);
        if (options.BackboneFrom is not null) CheckpointLoader.LoadBackboneOf(model.Backbone, options.BackboneFrom);
        return model;
    }

    internal sealed record Sample(ChwImage Image, LabelMap Mask);

    internal sealed record Batch(Tensor Images, Tensor Masks, long ValidPixels);

    internal sealed class Stage(SegmentationTrainingOptions options, VocDataset train, LabelFolder labels, SegmentationValidation? validation, string scoredOn)
        : TrainingStage<DeepLabV3Plus, Sample, Batch>
    {
        private readonly TransformPipeline _pipeline = TransformPipeline.ForSegmentationTraining(AugmentationOptions.Segmentation with
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
        });

        public override TrainingOptions Options => options;

        public override int Count => train.Count;

        public override IReadOnlyList<string> TermNames { get; } = ["loss"];

        public override string TrainedOn => "the labels";

        public override long? EvalEvery => options.EvalEvery;

        /// <summary>The head's dropout.</summary>
        public override bool DrawsInForward => true;

        public override ITrainingValidation<DeepLabV3Plus>? Validation => validation;

        public override string Describe(string plan) =>
            $"DeepLabv3+ {options.Backbone} ({Normalization.ModeName(options.Mode)}, {(options.UseGroupNorm ? "GN" : "BN")} head) on {train.Count} images with labels from {labels.Folder}, {plan}; model kept by {scoredOn}";

        public override DeepLabV3Plus CreateModel() => SegmentationTrainer.CreateModel(options);

        public override IEnumerable<ParameterGroup> Groups(DeepLabV3Plus model) => ParameterGroups.Of(model).WithReferenceRates(options.LearningRate, options.WeightDecay);

        public override Sample Read(int index, RandomSource random)
        {
            var id = train.Ids[index];
            var t = _pipeline.Apply(train.ReadImage(id), labels.Read(id), random);
            return new Sample(t.Image, t.Mask!);
        }

        public override Batch Collate(IReadOnlyList<Sample> samples)
        {
            long valid = 0;
            foreach (var s in samples)
                foreach (var v in s.Mask.Labels)
                    if (v != VocClasses.Ignore) valid++;
            return new Batch(TensorCollate.Images(samples.Select(s => s.Image).ToList()), TensorCollate.Masks(samples.Select(s => s.Mask).ToList()), valid);
        }

        /// <summary>
        /// Each replica sums the cross-entropy over its valid pixels and divides by the valid pixels of the whole batch,
        /// so the summed gradients are those of the mean over the batch, exactly what the reference computes on the
        /// gathered logits.
        /// </summary>
        public override double[] ForwardBackward(DataParallel<DeepLabV3Plus> parallel, Batch batch, long iteration, long maxIteration)
        {
            var xs = parallel.Scatter(batch.Images);
            var ys = parallel.Scatter(batch.Masks);
            double total = Math.Max(1, batch.ValidPixels);
            return parallel.ForwardBackward(xs.Count, r =>
            {
                var logits = parallel.Replica(r).forward(xs[r]);
                using var divisor = total.ToScalar();
                var loss = nn.functional.cross_entropy(logits, ys[r], ignore_index: VocClasses.Ignore, reduction: nn.Reduction.Sum).div(divisor);
                return (loss, [loss.item<float>()]);
            });
        }
    }
}
