using PuzzleCam.Data;
using PuzzleCam.Data.Synthetic;
using Xunit.Abstractions;

namespace PuzzleCam.Core.Tests.Data.Synthetic;

public class SyntheticScaleTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void DefaultSizedTrainingSetIsQuickAndBalanced()
    {
        var dir = Directory.CreateTempSubdirectory("synthetic").FullName;
        try
        {
            var summary = SyntheticVocDataset.Generate(dir, new SyntheticOptions { Train = 1000, Val = 1 });
            output.WriteLine($"{Environment.ProcessorCount} cores");
            output.WriteLine(summary.ToString());

            Assert.InRange(summary.ObjectsPerImage, 2.0, 2.5);
            // With 2.25 objects over 20 classes, each class is in about a tenth of the images.
            Assert.All(summary.TrainAugImagesPerClass, n => Assert.InRange(n, 60, 160));
            // VOC's own masks are about 70 % background, a quarter objects and a few percent void.
            Assert.InRange(summary.LabelFractions[VocClasses.Background], 0.65, 0.85);
            // A one-pixel band on each side of every boundary: about 3 % of the pixels at the default 128 px.
            Assert.InRange(summary.VoidFraction, 0.005, 0.04);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
