using System.Runtime.InteropServices;
using PuzzleCam.IO;
using PuzzleCam.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>Golden-case plumbing shared by the network parity tests.</summary>
internal static class GoldenModel
{
    /// <summary>Eval-mode forward acceptance of the golden README: |port - golden| &lt;= 1e-4 max|golden| + 1e-6.</summary>
    public const double RelativeTolerance = 1e-4;
    public const double AbsoluteTolerance = 1e-6;

    public static Tensor LoadTensor(string caseName, string file)
    {
        var array = GoldenData.Load(caseName, file);
        return array.DType switch
        {
            NpyDType.Float32 => torch.tensor(array.ToArray<float>(), array.Shape),
            NpyDType.Int64 => torch.tensor(array.ToArray<long>(), array.Shape),
            _ => throw new InvalidOperationException($"{caseName}/{file}: unexpected {array.DType}"),
        };
    }

    /// <summary>
    /// Asserts <paramref name="actual"/> matches the golden file within the README tolerance and returns the
    /// max |port - golden| / max|golden|.
    /// </summary>
    public static double AssertClose(string caseName, string file, Tensor actual, ITestOutputHelper? output = null, double relativeTolerance = RelativeTolerance)
    {
        var expected = GoldenData.Load(caseName, file);
        Assert.Equal(expected.Shape, actual.shape);
        var want = expected.ToArray<float>();
        using var contiguous = actual.detach().to(ScalarType.Float32).contiguous();
        var got = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
        double scale = want.Max(v => Math.Abs((double)v));
        double worst = 0;
        long worstIndex = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double diff = Math.Abs((double)got[i] - want[i]);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            if (diff > worst) { worst = diff; worstIndex = i; }
        }
        double relative = worst / scale;
        output?.WriteLine($"{caseName}/{file}: max rel err {relative:E2} (max|golden| {scale:G4})");
        Assert.True(worst <= relativeTolerance * scale + AbsoluteTolerance,
            $"{caseName}/{file}: |diff| {worst:G4} at flat index {worstIndex} (port {got[(int)worstIndex]}, golden {want[worstIndex]}), max|golden| {scale:G4}, relative {relative:E2}");
        return relative;
    }

    /// <summary>
    /// Asserts that the network's key set with the reference aliases equals <c>state_dict_keys.txt</c>, with the
    /// same dtype and shape per key.
    /// </summary>
    public static void AssertReferenceKeys(string caseName, IReadOnlyDictionary<string, Tensor> stateDict, Func<string, bool>? skip = null)
    {
        var expected = File.ReadAllLines(Path.Combine(GoldenData.CaseDir(caseName), "state_dict_keys.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Where(c => skip is null || !skip(c[0]))
            .ToDictionary(c => c[0], c => (DType: c[1], Shape: c[2]), StringComparer.Ordinal);
        var actual = stateDict.Where(kv => skip is null || !skip(kv.Key))
            .ToDictionary(kv => kv.Key, kv => (DType: DTypeName(kv.Value.dtype), Shape: GoldenWeights.FormatShape(kv.Value.shape)), StringComparer.Ordinal);
        var missing = expected.Keys.Except(actual.Keys).Order(StringComparer.Ordinal).Take(10).ToList();
        var extra = actual.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).Take(10).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", extra)}");
        foreach (var (key, want) in expected) Assert.Equal((key, want), (key, actual[key]));
    }

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        _ => type.ToString(),
    };
}
