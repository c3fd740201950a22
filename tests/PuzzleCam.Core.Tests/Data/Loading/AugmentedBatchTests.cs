using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Data.Loading;

/// <summary>The pieces together as a training stage uses them: augment on workers, collate into tensors on the consumer.</summary>
public class AugmentedBatchTests
{
    private static (RgbImage Image, LabelMap Mask) Synthetic(int index)
    {
        int w = 10 + index % 7, h = 8 + index % 5;
        var image = new RgbImage(w, h);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)((i * 31 + index * 17) % 256);
        var mask = new LabelMap(w, h);
        for (int i = 0; i < mask.Labels.Length; i++) mask.Labels[i] = (byte)((i + index) % 21);
        return (image, mask);
    }

    private static List<(float[] Images, long[] Masks)> Run(int workers)
    {
        var pipeline = TransformPipeline.ForSegmentationTraining(new AugmentationOptions { MinImageSize = 8, MaxImageSize = 20, CropSize = 12 });
        var loader = new BatchLoader<TransformedSample, (Tensor Images, Tensor Masks)>(
            count: 13,
            (index, rng) =>
            {
                var (image, mask) = Synthetic(index);
                return pipeline.Apply(image, mask, rng);
            },
            batch => (TensorCollate.Images(batch.Select(s => s.Image).ToList()), TensorCollate.Masks(batch.Select(s => s.Mask!).ToList())),
            new BatchLoaderOptions { BatchSize = 4, Workers = workers, Seed = 9 });
        var result = new List<(float[], long[])>();
        // The training-loop pattern: the scope opens before MoveNext, so the collated tensors are created inside it.
        using var batches = loader.Endless().GetEnumerator();
        for (int iteration = 0; iteration < 7; iteration++)
        {
            using var scope = NewDisposeScope();
            Assert.True(batches.MoveNext());
            var (images, masks) = batches.Current;
            Assert.Equal(new long[] { 4, 3, 12, 12 }, images.shape);
            Assert.Equal(new long[] { 4, 12, 12 }, masks.shape);
            result.Add((images.data<float>().ToArray(), masks.data<long>().ToArray()));
        }
        return result;
    }

    [Fact]
    public void AugmentedTensorBatchesDoNotDependOnTheWorkerCount()
    {
        var serial = Run(workers: 1);
        var parallel = Run(workers: 4);
        Assert.Equal(serial.Count, parallel.Count);
        for (int b = 0; b < serial.Count; b++)
        {
            Assert.Equal(serial[b].Images, parallel[b].Images);
            Assert.Equal(serial[b].Masks, parallel[b].Masks);
        }
        Assert.Contains(serial.SelectMany(b => b.Masks), v => v == 255);
    }
}
