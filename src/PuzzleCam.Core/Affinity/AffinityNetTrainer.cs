using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Affinity;

/// <summary>
/// Trains stage 4 on <see cref="Trainer"/>'s resumable loop (see <see cref="AffinityTrainingStep"/> for the step) and,
/// as the reference, which has no validation, saves <c>models/{tag}.pth</c> after every epoch and at the end.
/// </summary>
public static class AffinityNetTrainer
{
    internal sealed record Sample(ChwImage Image, AffinityPairKind[] Pairs);

    internal sealed record Batch(Tensor Images, IReadOnlyList<AffinityPairKind[]> Pairs);

    internal sealed class Stage(AffinityNetTrainingOptions options, VocDataset train) : TrainingStage<AffinityNet, Sample, Batch>
    {
        private readonly AffinityLabelsFromMask _labels = new(new PathIndex(AffinityNetTrainingOptions.Radius, options.ImageSize / 4, options.ImageSize / 4));

        private readonly TransformPipeline _pipeline = TransformPipeline.ForAffinityTraining(new AugmentationOptions
        {
            MinImageSize = options.MinImageSize,
            MaxImageSize = options.MaxImageSize,
            CropSize = options.ImageSize,
        });

        public override TrainingOptions Options => options;

        public override int Count => train.Count;

        public override IReadOnlyList<string> TermNames { get; } = ["loss", "bg_loss", "fg_loss", "neg_loss"];

        public override string TrainedOn => $"the labels in {options.LabelDir}";

        public override string Describe(string plan) => $"AffinityNet {options.Architecture} on {options.LabelName}, {train.Count} images, {plan}";

        public override AffinityNet CreateModel()
        {
            var model = AffinityNet.Create(options.Architecture, _labels.PathIndex);
            if (options.Pretrained is not null) CheckpointLoader.LoadPretrained(model.Backbone, options.Pretrained);
            return model;
        }

        public override IEnumerable<ParameterGroup> Groups(AffinityNet model) => AffinityTrainingStep.Groups(model, options.LearningRate, options.WeightDecay);

        public override Sample Read(int index, RandomSource random)
        {
            var id = train.Ids[index];
            var image = train.ReadImage(id);
            var labelPath = Path.Combine(options.LabelDir, id + ".png");
            // Values other than a class 0..20 or 255 would be trained on as classes; the reader refuses them, naming the file.
            var labels = VocDataset.ReadLabelMap(labelPath);
            if (labels.Width != image.Width || labels.Height != image.Height)
                throw new InvalidDataFileException(labelPath, $"labels are {labels.Width}x{labels.Height} but the image {train.ImagePath(id)} is {image.Width}x{image.Height}");
            var sample = _pipeline.Apply(image, labels, random);
            return new Sample(sample.Image, _labels.Compute(sample.Mask!));
        }

        public override Batch Collate(IReadOnlyList<Sample> samples) => new(TensorCollate.Images(samples.Select(s => s.Image).ToList()), samples.Select(s => s.Pairs).ToList());

        public override double[] ForwardBackward(DataParallel<AffinityNet> parallel, Batch batch, long iteration, long maxIteration)
        {
            var device = parallel.Devices[0];
            using var masks = _labels.Collate(batch.Pairs, device);
            return AffinityTrainingStep.ForwardBackward(parallel, batch.Images.to(device), masks);
        }
    }
}
