using PuzzleCam.Data;
using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Segmentation;

/// <summary>What a segmentation training run left: the kept model and the score that chose it (-1 with no evaluation).</summary>
public sealed record SegmentationTrainingResult(string Tag, string ModelPath, CheckpointSelection Selection, double BestMiou, long Iterations, TimeSpan Elapsed);

/// <summary>
/// Stage 7: trains DeepLabv3+ on a folder of label PNGs (the pseudo labels) on <see cref="Trainer"/>'s resumable loop,
/// with the reference's augmentation (random long side, flip, normalise, random crop padded with 0 / 255),
/// cross-entropy that ignores 255, and the four learning-rate groups; keeps the model as
/// <see cref="SegmentationTrainingOptions.Selection"/> says.
/// </summary>
public static class SegmentationTrainer
{
    public static SegmentationTrainingResult Run(SegmentationTrainingOptions options, IProgress<TrainingRecord>? progress = null,
        Action<string>? echo = null, CancellationToken cancel = default)
    {
        var all = Trainer.Prepare(options);
        var labels = new LabelFolder(options.LabelFolder, options.LabelFlag);
        var (train, validation, scoredOn) = SegmentationValidation.Split(options, all, labels);
        all.CheckReadable(cancel);
        labels.Check(all, cancel);
        validation?.Dataset.CheckReadable(cancel);
        if (options.Selection == CheckpointSelection.ValGt)
            new LabelFolder(Path.Combine(validation!.Dataset.Root, "SegmentationClass"), $"ground truth of --eval_domain {options.EvalDomain}").Check(validation.Dataset, cancel);
        var outcome = Trainer.Run(new Stage(options, train, labels, validation, scoredOn), progress, echo, cancel);
        return new SegmentationTrainingResult(options.Tag, outcome.ModelPath, options.Selection, outcome.BestMiou, outcome.Iterations, outcome.Elapsed);
    }

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

    private sealed record Sample(ChwImage Image, LabelMap Mask);

    private sealed record Batch(Tensor Images, Tensor Masks, long ValidPixels);

    private sealed class Stage(SegmentationTrainingOptions options, VocDataset train, LabelFolder labels, SegmentationValidation? validation, string scoredOn)
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
