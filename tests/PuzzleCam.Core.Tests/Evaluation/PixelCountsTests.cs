using PuzzleCam.Evaluation;

namespace PuzzleCam.Core.Tests.Evaluation;

public class PixelCountsTests
{
    [Fact]
    public void CountsIgnoreVoidAndScoreAsTheFormulas()
    {
        // The pixel labelled 255 is ignored; a prediction of 30 falls in no class.
        byte[] gt = [1, 1, 2, 255, 0, 0];
        byte[] prediction = [1, 2, 2, 1, 0, 30];
        var counts = new PixelCounts();
        counts.Add(prediction, gt);

        Assert.Equal(5, counts.ValidPixels);
        Assert.Equal((1L, 2L, 1L), (counts.Predicted(1), counts.Truth(1), counts.TruePositive(1)));
        Assert.Equal((2L, 1L, 1L), (counts.Predicted(2), counts.Truth(2), counts.TruePositive(2)));
        Assert.Equal((1L, 2L, 1L), (counts.Predicted(0), counts.Truth(0), counts.TruePositive(0)));

        var s = counts.Scores();
        Assert.Equal(1 / (2 + 1e-10) * 100, s.Iou[1], 12);
        Assert.Equal(1 / (2 + 1e-10) * 100, s.Iou[2], 12);
        Assert.Equal(0, s.Iou[3]);
        Assert.Equal(3 * 50.0 / 21, s.MeanIou, 6);
        Assert.Equal(2 * 50.0 / 20, s.MeanIouForeground, 6);
        Assert.Equal(100, s.Precision[1], 6);
        Assert.Equal(50, s.Recall[1], 6);
        Assert.Equal((0.0 + 0.5) / 20, s.FpAll, 9);
        Assert.Equal((0.5 + 0.0) / 20, s.FnAll, 9);
        Assert.Equal(0.5 / 21, s.CalculatorFp, 9);
        Assert.Equal((0.5 + 0.5) / 21, s.CalculatorFn, 9);
    }

    [Fact]
    public void ParallelAddsAndMergesEqualOneSequentialPass()
    {
        var random = new Random(3);
        var images = Enumerable.Range(0, 64).Select(_ =>
        {
            var gt = new byte[200];
            var prediction = new byte[200];
            for (int i = 0; i < gt.Length; i++)
            {
                gt[i] = random.Next(10) == 0 ? (byte)255 : (byte)random.Next(21);
                prediction[i] = random.Next(3) == 0 ? gt[i] : (byte)random.Next(21);
            }
            return (prediction, gt);
        }).ToList();

        var sequential = new PixelCounts();
        foreach (var (p, g) in images) sequential.Add(p, g);
        var parallel = new PixelCounts();
        Parallel.ForEach(images, new ParallelOptions { MaxDegreeOfParallelism = 4 }, im => parallel.Add(im.prediction, im.gt));
        var merged = new PixelCounts();
        Parallel.For(0, 4, part =>
        {
            var local = new PixelCounts();
            for (int i = part; i < images.Count; i += 4) local.Add(images[i].prediction, images[i].gt);
            merged.Merge(local);
        });

        for (int c = 0; c < PixelCounts.Labels; c++)
        {
            Assert.Equal(sequential.Predicted(c), parallel.Predicted(c));
            Assert.Equal(sequential.TruePositive(c), merged.TruePositive(c));
            Assert.Equal(sequential.Truth(c), merged.Truth(c));
        }
        Assert.Equal(sequential.Scores().MeanIou, merged.Scores().MeanIou);
        merged.Clear();
        Assert.Equal(0, merged.ValidPixels);
    }

    [Fact]
    public void MismatchedLengthsAreRefused() =>
        Assert.Throws<ArgumentException>(() => new PixelCounts().Add(new byte[3], new byte[4]));
}
