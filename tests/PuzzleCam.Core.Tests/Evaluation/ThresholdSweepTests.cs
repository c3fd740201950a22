using PuzzleCam.Cams;
using PuzzleCam.Evaluation;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Evaluation;

public class ThresholdSweepTests
{
    [Fact]
    public void RangesMatchNumpyArange()
    {
        var cams = ThresholdSweep.ForCams().Thresholds;
        Assert.Equal(15, cams.Count);
        Assert.Equal(0.05, cams[0]);
        Assert.Equal(0.15000000000000002, cams[2]);
        Assert.Equal(0.7500000000000001, cams[^1]);
        var rw = ThresholdSweep.ForRandomWalk().Thresholds;
        Assert.Equal(9, rw.Count);
        Assert.Equal(0.45, rw[^1]);
        var training = ThresholdSweep.ForTraining().Thresholds;
        Assert.Equal(8, training.Count);
        // NumPy takes the spacing from its first two values, (0.10 + 0.05) - 0.10, not from the step itself.
        Assert.Equal(0.20000000000000004, training[2]);
        Assert.Equal(0.45000000000000007, training[^1]);
    }

    [Fact]
    public void PredictionFollowsArgmaxWithTiesToTheEarlierPlane()
    {
        // Pixels: class scores (a, b) vs threshold 0.5.
        float[] a = [0.2f, 0.5f, 0.7f, 0.6f, float.NaN, 0.9f];
        float[] b = [0.1f, 0.4f, 0.7f, 0.8f, 0.3f, float.NaN];
        var maps = new ClassMaps(2, 1, a.Length, [.. a, .. b]);
        var map = maps.ToLabelMap([0, 3, 7], 0.5);
        // below, tie with the threshold, tie between classes, b wins, NaN counts as the maximum (NumPy).
        Assert.Equal(new byte[] { 0, 0, 3, 7, 3, 7 }, map.Labels);
    }

    [Fact]
    public void NoClassPlanesMeansBackground()
    {
        var map = new ClassMaps(0, 2, 2, []).ToLabelMap([0], 0.3);
        Assert.All(map.Labels, v => Assert.Equal(0, v));
    }

    [Fact]
    public void KeysMustMatchThePlanes()
    {
        var maps = new ClassMaps(2, 1, 1, [0.1f, 0.2f]);
        Assert.Throws<ArgumentException>(() => maps.ToLabelMap([0, 1], 0.5));
        Assert.Throws<ArgumentException>(() => maps.ToLabelMap([0, 1, 255], 0.5));
    }

    [Fact]
    public void InTrainingSweepPicksTheThresholdThatSeparates()
    {
        // All 20 class planes as in training; class 5 (label 6) scores x / 10 along a row, the others 0.
        int width = 10;
        var values = new float[20 * width];
        for (int x = 0; x < width; x++) values[5 * width + x] = x / 10f;
        var gt = new LabelMap(width, 1);
        for (int x = 3; x < width; x++) gt.Labels[x] = 6;
        var sweep = ThresholdSweep.ForTraining();
        double training2 = sweep.Thresholds[2];
        sweep.Add(new ClassMaps(20, 1, width, values), ThresholdSweep.AllClassKeys, gt);
        var best = sweep.Best();
        // 0.20 is the first threshold with 0.2 (x = 2) as background and 0.3 (x = 3) as the class.
        Assert.Equal(training2, best.Threshold);
        Assert.Equal(2 * 100.0 / 21, best.Scores.MeanIou, 6);
    }

    [Fact]
    public void SweepCountsEqualLabellingAtEachThreshold()
    {
        // Unsorted and repeated thresholds, scores on the threshold values, NaN, a key past 20 and void pixels.
        double[] thresholds = [0.5, 0.1, 0.3, 0.3, 0.9];
        long[] keys = [0, 4, 30, 17];
        var random = new Random(5);
        int width = 40, height = 30;
        var values = new float[3 * width * height];
        for (int i = 0; i < values.Length; i++)
        {
            int r = random.Next(20);
            values[i] = r == 0 ? float.NaN : r < 5 ? (float)thresholds[r % thresholds.Length] : (float)random.NextDouble();
        }
        var maps = new ClassMaps(3, height, width, values);
        var gt = new LabelMap(width, height);
        byte[] gtValues = [0, 4, 17, 255, 9];
        for (int i = 0; i < gt.Labels.Length; i++) gt.Labels[i] = gtValues[random.Next(gtValues.Length)];

        var sweep = new ThresholdSweep(thresholds);
        sweep.Add(maps, keys, gt);

        for (int t = 0; t < thresholds.Length; t++)
        {
            var expected = new PixelCounts();
            expected.Add(maps.ToLabelMap(keys, thresholds[t]).Labels, gt.Labels);
            for (int c = 0; c < PixelCounts.Labels; c++)
            {
                Assert.Equal(expected.Predicted(c), sweep.CountsAt(t).Predicted(c));
                Assert.Equal(expected.Truth(c), sweep.CountsAt(t).Truth(c));
                Assert.Equal(expected.TruePositive(c), sweep.CountsAt(t).TruePositive(c));
            }
        }
    }
}
