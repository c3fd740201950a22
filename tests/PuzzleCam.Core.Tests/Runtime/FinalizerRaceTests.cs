using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Runtime;

/// <summary>
/// No call from our assemblies hands libtorch a Scalar that the finalizer may free during the call (the race that
/// killed <c>puzzlecam reproduce</c> after 60 CAMs with "Exception raised from toFloat at c10/core/Scalar.h:140").
/// </summary>
public class FinalizerRaceTests
{
    private static readonly Lazy<FinalizerRaceScanner> Scanner = new(FinalizerRaceScanner.ForTorchSharp);

    /// <summary>PuzzleCam.Core, puzzlecam and PuzzleCam.Interactive, as the build wrote their paths next to the tests.</summary>
    public static TheoryData<string> OurAssemblies()
    {
        var scanned = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "il-scanned-assemblies.txt"))
            .Where(line => line.Length > 0)
            .Prepend(typeof(PuzzleCam.Models.Classifier).Assembly.Location);
        return new TheoryData<string>(scanned.Select(Path.GetFullPath));
    }

    [Theory]
    [MemberData(nameof(OurAssemblies))]
    public void OurCode_HoldsEveryScalarItPassesToLibtorch(string assembly)
    {
        var races = Scanner.Value.Scan(assembly);
        Assert.True(races.Count == 0,
            $"{Path.GetFileName(assembly)}: {races.Count} call(s) pass libtorch a Scalar that a GC can finalize mid-call. " +
            "Hold it: a static readonly Scalar (PuzzleCam.Runtime.Scalars) or a 'using var' ToScalar(), and the overloads " +
            "that take it (x.add_(y, Scalars.One), not x.add_(y)):\n" + string.Join("\n", races));
    }

    [Fact]
    public void TorchSharp_MethodsThatMakeTheirOwnScalarAreFoundInItsIL()
    {
        var making = Scanner.Value.ScalarMakingMethods;
        Assert.Contains("TorchSharp.torch/Tensor::add_`0(TorchSharp.torch/Tensor)TorchSharp.torch/Tensor", making);
        Assert.Contains("TorchSharp.torch/Tensor::op_Addition`0(TorchSharp.torch/Tensor,TorchSharp.torch/Tensor)TorchSharp.torch/Tensor", making);
        Assert.DoesNotContain("TorchSharp.torch/Tensor::add_`0(TorchSharp.torch/Tensor,TorchSharp.Scalar)TorchSharp.torch/Tensor", making);
        Assert.Contains("TorchSharp.Modules.BatchNorm2d", Scanner.Value.ScalarMakingTypes);
        Assert.DoesNotContain("TorchSharp.Modules.Conv2d", Scanner.Value.ScalarMakingTypes);
    }

    [Fact]
    public void Scanner_ReportsTheRacesOfTheControls()
    {
        var controls = typeof(Controls).FullName!.Replace('+', '/') + ".";
        var races = Scanner.Value.Scan(typeof(Controls).Assembly.Location, m => m.StartsWith(controls, StringComparison.Ordinal));

        Assert.Equal(["AddTensor", "MultiplyByDouble", "UnheldLocal"], races.Select(r => r.Method.Split('.')[^1]).Order());
        var addTensor = Assert.Single(races, r => r.Method.EndsWith(".AddTensor", StringComparison.Ordinal));
        Assert.Equal("TorchSharp.torch/Tensor::add_", addTensor.Callee);
        Assert.StartsWith("FinalizerRaceTests.cs:", addTensor.Source);
    }

    /// <summary>Methods the scanner must report, or must not; only read as IL, never run.</summary>
    private static class Controls
    {
        public static Tensor AddTensor(Tensor t, Tensor other) => t.add_(other);

        public static Tensor MultiplyByDouble(Tensor t) => t.mul(0.5);

        public static Tensor UnheldLocal(Tensor t)
        {
            Scalar half = 0.5;
            return t.mul(half);
        }

        public static Tensor HeldLocal(Tensor t)
        {
            using var half = 0.5.ToScalar();
            return t.mul(half);
        }

        private static readonly Scalar One = 1;

        public static Tensor HeldField(Tensor t, Tensor other) => t.add_(other, One);
    }
}
