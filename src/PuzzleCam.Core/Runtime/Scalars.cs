namespace PuzzleCam.Runtime;

/// <summary>
/// Scalars that live as long as the process. TorchSharp's <see cref="Scalar"/> is a finalizable wrapper of a native
/// pointer with no GC.KeepAlive around its P/Invokes, so a temporary one (an implicit <c>0.5</c> → Scalar, or the
/// alpha that <c>x.add_(y)</c> makes as <c>x.add_(y, 1)</c>) can be freed by a GC on another thread while libtorch
/// still reads it ("Exception raised from toFloat at c10/core/Scalar.h"). Constants come from here or a static
/// readonly field next to their use; values that change are held in a <c>using var</c>; and additions pass
/// <see cref="One"/> as their explicit alpha. tests/PuzzleCam.Core.Tests/Runtime/FinalizerRaceTests.cs checks it in the IL.
/// </summary>
internal static class Scalars
{
    /// <summary>The integer 1 that TorchSharp itself would pass as the alpha of <c>add</c> or the value of <c>addcmul</c>.</summary>
    public static readonly Scalar One = 1;
}
