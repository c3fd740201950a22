namespace PuzzleCam.Classification;

/// <summary>Class activation maps as the reference normalises them.</summary>
public static class ClassActivationMaps
{
    private static readonly Scalar Epsilon = 1e-5;

    /// <summary>
    /// Per (image, class) normalisation of raw CAM logits [B, C, H, W]: ReLU(x - 1e-5) / (max_HW ReLU(x) + 1e-5), so
    /// values lie in [0, 1).
    /// </summary>
    public static Tensor MakeCam(Tensor features)
    {
        using var scope = NewDisposeScope();
        var relu = nn.functional.relu(features);
        var max = relu.flatten(2).max(2).values.unsqueeze(-1).unsqueeze(-1);
        return (nn.functional.relu(features - Epsilon) / max.add(Epsilon, Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>Global average pooling over H and W: [B, C, H, W] to [B, C].</summary>
    public static Tensor GlobalAveragePool(Tensor x) => x.mean([2L, 3L]);
}
