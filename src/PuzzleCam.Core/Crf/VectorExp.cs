using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PuzzleCam.Crf;

/// <summary>
/// e^x in float32 for the softmax of the mean-field update, inlined into its loop (the library's vector Exp is a
/// call that widens to double, a sixth of the inference time). x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor
/// series to r^7 (truncation below 2e−8 relative), 2^n through the exponent bits. Inputs below −87 (where float
/// e^x leaves the normal range) give 0, which is what the padding lanes of −1e30 rely on.
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504f;
    // ln 2 split so that n·Ln2High is exact for |n| < 2^9.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float Lowest = -87f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.MaxNative(x, Vector256.Create(Lowest));
        var n = Vector256.Round(clamped * Log2E);
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2High), clamped);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(1f / 5040), r, Vector256.Create(1f / 720));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f / 120));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f / 24));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f / 6));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(0.5f));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f));
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256.Create(Lowest)), p * scale, Vector256<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        var clamped = Vector128.MaxNative(x, Vector128.Create(Lowest));
        var n = Vector128.Round(clamped * Log2E);
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2High), clamped);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Low), r);
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(1f / 5040), r, Vector128.Create(1f / 720));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f / 120));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f / 24));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f / 6));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(0.5f));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f));
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128.Create(Lowest)), p * scale, Vector128<float>.Zero);
    }
}
