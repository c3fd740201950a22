namespace PuzzleCam.Models;

/// <summary>
/// The stage-1 classifier: backbone, then a bias-free 1x1 convolution to one map per class. <see cref="forward"/> is
/// the reference's <c>forward(x, with_cam=True)</c>: the class activation maps and their spatial means.
/// </summary>
public sealed class Classifier : BackboneNetwork<(Tensor Logits, Tensor Features)>
{
    /// <summary>The 20 VOC foreground classes.</summary>
    public const int DefaultClasses = 20;

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> classifier;

    public Classifier(ResidualNetwork backbone, int numClasses = DefaultClasses) : base(nameof(Classifier), backbone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        NumClasses = numClasses;
        var head = nn.Conv2d(backbone.FeatureChannels, numClasses, 1, bias: false);
        HeadInit.HeNormal(head.weight!);
        classifier = head;
        RegisterComponents();
    }

    /// <summary>The reference's <c>Classifier(architecture, 20, mode)</c>.</summary>
    public static Classifier Create(string architecture, NormMode mode, int numClasses = DefaultClasses) =>
        new(Backbones.Create(architecture, Normalization.BatchNorm(mode)), numClasses);

    public int NumClasses { get; }

    /// <summary>
    /// Logits [B, classes] (the mean of each map) and the raw class activation maps [B, classes, ceil(H/16), ceil(W/16)]
    /// (not ReLU'd).
    /// </summary>
    public override (Tensor Logits, Tensor Features) forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var features = classifier.forward(Backbone.forward(x)).contiguous();
        var logits = features.mean([2, 3]);
        return (logits.MoveToOuterDisposeScope(), features.MoveToOuterDisposeScope());
    }

    /// <summary>The reference's <c>forward(x, with_cam=False)</c>: pool first, then classify (equal up to rounding).</summary>
    public Tensor Logits(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pooled = Backbone.forward(x).mean([2, 3], keepdim: true);
        return classifier.forward(pooled).flatten(1).MoveToOuterDisposeScope();
    }
}
