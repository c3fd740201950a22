using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using TorchSharp;

namespace PuzzleCam.Core.Tests.Data.Loading;

public class TensorCollateTests
{
    [Fact]
    public void ImagesStackIntoNCHWFloat()
    {
        using var scope = torch.NewDisposeScope();
        var a = new ChwImage(3, 2, 4, Enumerable.Range(0, 24).Select(i => (float)i).ToArray());
        var b = new ChwImage(3, 2, 4, Enumerable.Range(0, 24).Select(i => -0.5f * i).ToArray());
        var t = TensorCollate.Images([a, b]);
        Assert.Equal(new long[] { 2, 3, 2, 4 }, t.shape);
        Assert.Equal(torch.ScalarType.Float32, t.dtype);
        Assert.Equal(a.Row(2, 1)[3], t[0, 2, 1, 3].item<float>());
        Assert.Equal(b.Row(1, 0)[2], t[1, 1, 0, 2].item<float>());
        Assert.Equal(a.Data.Concat(b.Data), t.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => TensorCollate.Images([a, new ChwImage(3, 4, 2)]));
        Assert.Throws<ArgumentException>(() => TensorCollate.Images([]));
    }

    [Fact]
    public void MasksWidenToInt64()
    {
        using var scope = torch.NewDisposeScope();
        var m0 = new LabelMap(3, 2, [0, 1, 255, 20, 7, 0]);
        var m1 = new LabelMap(3, 2, [255, 255, 3, 2, 1, 0]);
        var t = TensorCollate.Masks([m0, m1]);
        Assert.Equal(new long[] { 2, 2, 3 }, t.shape);
        Assert.Equal(torch.ScalarType.Int64, t.dtype);
        Assert.Equal(new long[] { 0, 1, 255, 20, 7, 0, 255, 255, 3, 2, 1, 0 }, t.data<long>().ToArray());
        Assert.Throws<ArgumentException>(() => TensorCollate.Masks([m0, new LabelMap(2, 3)]));
    }

    [Fact]
    public void RowsStackIntoAMatrix()
    {
        using var scope = torch.NewDisposeScope();
        var t = TensorCollate.Rows([[1f, 0f, 1f], [0f, 0f, 1f]]);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(new[] { 1f, 0f, 1f, 0f, 0f, 1f }, t.data<float>().ToArray());
    }
}
