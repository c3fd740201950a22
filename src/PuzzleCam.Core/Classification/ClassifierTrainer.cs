using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Classification;

/// <summary>
/// Stage 1: trains the classifier on image-level tags, with the puzzle module or as the baseline, and keeps the
/// checkpoint with the best in-training CAM mIoU (<see cref="CamValidation"/>) on <see cref="Trainer"/>'s resumable loop.
/// </summary>
public static class ClassifierTrainer
{
    /// <summary>The classifier with ImageNet weights in its backbone when the architecture or <c>--pretrained</c> provides them.</summary>
    public static Classifier CreateModel(ClassifierTrainingOptions options)
    {
        var model = Classifier.Create(options.Architecture, options.Mode);
        if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(model.Backbone, options.Pretrained);
        return model;
    }

    internal sealed record Sample(ChwImage Image, float[] Tags);

    internal sealed record Batch(Tensor Images, Tensor Labels);

    internal sealed class Stage(ClassifierTrainingOptions options, VocDataset train, CamValidation validation) : TrainingStage<Classifier, Sample, Batch>
    {
        private readonly TransformPipeline _pipeline = TransformPipeline.ForClassificationTraining(new AugmentationOptions
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
            Augment = options.Augment,
        });

        public override TrainingOptions Options => options;

        public override int Count => train.Count;

        public override IReadOnlyList<string> TermNames { get; } = ["loss", "class_loss", "p_class_loss", "re_loss", "conf_loss"];

        public override long? EvalEvery => options.EvalEvery;

        public override ITrainingValidation<Classifier> Validation => validation;

        public override string Describe(string plan) =>
            $"{(options.Puzzle ? "Puzzle-CAM" : "baseline")} {options.Architecture} ({options.Mode}){(options.Augment.Length > 0 ? $", augment {options.Augment}" : "")}, {train.Count} images, {plan}";

        public override Classifier CreateModel() => ClassifierTrainer.CreateModel(options);

        public override IEnumerable<ParameterGroup> Groups(Classifier model) => ParameterGroups.Of(model).WithReferenceRates(options.LearningRate, options.WeightDecay);

        public override Sample Read(int index, RandomSource random)
        {
            var id = train.Ids[index];
            return new Sample(_pipeline.Apply(train.ReadImage(id), null, random).Image, train.ReadTags(id));
        }

        public override Batch Collate(IReadOnlyList<Sample> samples) =>
            new(TensorCollate.Images(samples.Select(s => s.Image).ToList()), TensorCollate.Rows(samples.Select(s => s.Tags).ToList()));

        public override IEnumerable<(string Name, double Value)> Scheduled(long iteration, long maxIteration) => [("alpha", options.Losses.AlphaAt(iteration, maxIteration))];

        public override double[] ForwardBackward(DataParallel<Classifier> parallel, Batch batch, long iteration, long maxIteration)
        {
            double alpha = options.Losses.AlphaAt(iteration, maxIteration);
            var xs = parallel.Scatter(batch.Images);
            var ys = parallel.Scatter(batch.Labels);
            double size = batch.Images.shape[0];
            return parallel.ForwardBackward(xs.Count, r =>
            {
                var model = parallel.Replica(r);
                var (x, y) = (xs[r], ys[r]);
                // Each replica's loss is a mean over its share of the batch; weighting by that share makes the sum of the
                // replicas' gradients the gradient of the mean over the whole batch.
                double share = x.shape[0] / size;
                using var shareScalar = share.ToScalar();
                if (!options.Puzzle)
                {
                    var loss = PuzzleStep.Baseline(model, x, y);
                    double value = loss.item<float>() * share;
                    return (loss * shareScalar, [value, value, 0, 0, 0]);
                }
                var t = PuzzleStep.Run(model, x, y, options.NumPieces, options.Losses, alpha).Terms;
                return (t.Total * shareScalar,
                [
                    t.Total.item<float>() * share, t.ClassLoss.item<float>() * share, t.PuzzleClassLoss.item<float>() * share,
                    t.ReconstructionLoss.item<float>() * share, t.ConfidenceLoss.item<float>() * share,
                ]);
            });
        }
    }
}
