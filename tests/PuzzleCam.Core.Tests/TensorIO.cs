using PuzzleCam.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests;

/// <summary>Golden arrays as tensors and tolerance checks in the golden README's terms.</summary>
public static class TensorIO
{
    public static Tensor ToTensor(NpyArray a) => a.DType switch
    {
        NpyDType.Float32 => tensor(a.ToArray<float>(), a.Shape),
        NpyDType.Int64 => tensor(a.ToArray<long>(), a.Shape),
        NpyDType.UInt8 => tensor(a.ToArray<byte>(), a.Shape),
        _ => tensor(a.ToFloatArray(), a.Shape),
    };

    public static Tensor Golden(string caseName, string file) => ToTensor(GoldenData.Load(caseName, file));

    /// <summary>max |actual - expected| / max |expected|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var scale = Math.Max(expected.abs().max().item<float>(), 1e-12f);
        return (actual - expected).abs().max().item<float>() / scale;
    }

    /// <summary>|actual - expected| &lt;= tol * max|expected| + 1e-6 everywhere (the golden README's acceptance).</summary>
    public static void AssertClose(Tensor actual, Tensor expected, double tol = 1e-4, string? what = null)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(expected.shape, actual.shape);
        var scale = expected.abs().max().item<float>();
        var err = (actual - expected).abs().max().item<float>();
        Assert.True(err <= tol * scale + 1e-6, $"{what}: max error {err} exceeds {tol} x {scale} + 1e-6");
    }
}
