namespace PuzzleCam.Classification;

/// <summary>Where the losses compare features: raw CAM logits, or CAMs normalised by <see cref="ClassActivationMaps.MakeCam"/>.</summary>
public enum LossLevel { Feature, Cam }

/// <summary>The elementwise distance of the reconstruction loss.</summary>
public enum ReconstructionDistance { L1, L2 }

/// <summary>Which classes the reconstruction loss looks at.</summary>
public enum ReconstructionSelection
{
    /// <summary>Mean over every element of D * y: absent classes add zeros but count in the denominator.</summary>
    Masking,
    /// <summary>Per image, the mean over present classes' channels; then summed and divided by the batch size.</summary>
    Selection,
    /// <summary>Mean of D over everything.</summary>
    None,
}

/// <summary>The loss terms and their weighting. Defaults are the reference script's.</summary>
public sealed record PuzzleLossOptions
{
    /// <summary>Classification loss on the GAP of the merged tile features (<c>pcl</c>).</summary>
    public bool PuzzleClassLoss { get; init; } = true;

    /// <summary>Reconstruction loss between the full-image and the merged tile features (<c>re</c>).</summary>
    public bool ReconstructionLoss { get; init; } = true;

    /// <summary>Entropy loss on the tile logits (<c>conf</c>).</summary>
    public bool ConfidenceLoss { get; init; }

    /// <summary><c>--level</c>: apply make_cam to both maps before every loss (the p_class_loss too), or not.</summary>
    public LossLevel Level { get; init; } = LossLevel.Feature;

    /// <summary><c>--re_loss</c>: L1_Loss gives |a-b|, L2_Loss (a-b)^2.</summary>
    public ReconstructionDistance Distance { get; init; } = ReconstructionDistance.L1;

    /// <summary><c>--re_loss_option</c>.</summary>
    public ReconstructionSelection Selection { get; init; } = ReconstructionSelection.Masking;

    /// <summary><c>--alpha</c>: the largest weight of the reconstruction loss.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary><c>--alpha_schedule</c>: the fraction of training over which alpha ramps up from 0 (0 = constant alpha).</summary>
    public double AlphaSchedule { get; init; } = 0.5;

    /// <summary>
    /// Parses the reference's <c>--loss_option</c> string, '_'-separated names from {cl, pcl, re, conf}. As in the
    /// reference, the full-image classification loss is always on; <c>cl</c> is accepted for the familiar spelling.
    /// </summary>
    public static PuzzleLossOptions WithLossOption(PuzzleLossOptions options, string lossOption)
    {
        var parts = lossOption.Split('_', StringSplitOptions.RemoveEmptyEntries);
        var unknown = parts.FirstOrDefault(p => p is not ("cl" or "pcl" or "re" or "conf"));
        if (unknown is not null) throw new BadInputException($"--loss_option: unknown term '{unknown}' (use cl, pcl, re, conf joined by '_')");
        return options with
        {
            PuzzleClassLoss = parts.Contains("pcl"),
            ReconstructionLoss = parts.Contains("re"),
            ConfidenceLoss = parts.Contains("conf"),
        };
    }

    /// <summary>The reference's <c>--loss_option</c> string of these terms (<c>cl_pcl_re</c> for the defaults).</summary>
    public string LossOptionText() =>
        "cl" + (PuzzleClassLoss ? "_pcl" : "") + (ReconstructionLoss ? "_re" : "") + (ConfidenceLoss ? "_conf" : "");

    /// <summary>The weight of the reconstruction loss at 0-based <paramref name="iteration"/> of <paramref name="maxIteration"/>.</summary>
    public double AlphaAt(long iteration, long maxIteration) =>
        AlphaSchedule == 0 ? Alpha : Math.Min(Alpha * iteration / (maxIteration * AlphaSchedule), Alpha);
}

/// <summary>The loss terms of one Puzzle-CAM step; scalar tensors that carry gradients.</summary>
public sealed record PuzzleLossTerms(Tensor Total, Tensor ClassLoss, Tensor PuzzleClassLoss, Tensor ReconstructionLoss, Tensor ConfidenceLoss, double Alpha);

/// <summary>The Puzzle-CAM objective: classification, puzzle classification, reconstruction and entropy terms.</summary>
public static class PuzzleLosses
{
    private static readonly Scalar Epsilon = 1e-5;

    /// <summary>MultiLabelSoftMarginLoss per sample, averaged over the batch.</summary>
    public static Tensor ClassificationLoss(Tensor logits, Tensor labels) => ClassificationLossPerSample(logits, labels).mean();

    /// <summary>-(1/C) sum_c [y log sigmoid(z) + (1-y) log(1-sigmoid(z))] for each sample.</summary>
    public static Tensor ClassificationLossPerSample(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var positive = labels * nn.functional.logsigmoid(logits);
        // 1 - y as TorchSharp's operator computes it (negate, add 1), with Scalars that outlive the call.
        var negative = labels.negative().add(Scalars.One, Scalars.One) * nn.functional.logsigmoid(-logits);
        var loss = -positive.add(negative, Scalars.One);
        return loss.mean([1L]).MoveToOuterDisposeScope();
    }

    public static Tensor ReconstructionLoss(Tensor features, Tensor reFeatures, Tensor labels, ReconstructionDistance distance, ReconstructionSelection selection)
    {
        using var scope = NewDisposeScope();
        var diff = features - reFeatures;
        var d = distance == ReconstructionDistance.L1 ? diff.abs() : diff * diff;
        var mask = labels.unsqueeze(2).unsqueeze(3);
        var loss = selection switch
        {
            ReconstructionSelection.Masking => (d * mask).mean(),
            ReconstructionSelection.Selection => SelectionLoss(d, labels),
            _ => d.mean(),
        };
        return loss.MoveToOuterDisposeScope();
    }

    private static Tensor SelectionLoss(Tensor d, Tensor labels)
    {
        // Per image: the mean over the H x W maps of its present classes only.
        var perClass = d.mean([2L, 3L]);
        var present = labels.sum(1);
        var perImage = (perClass * labels).sum(1) / present.clamp_min(Scalars.One);
        using var batch = d.shape[0].ToScalar();
        return perImage.sum() / batch;
    }

    /// <summary>Mean over tiles of -sum_c v log(v + 1e-5), v = sigmoid(logits).</summary>
    public static Tensor ShannonEntropyLoss(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var v = logits.sigmoid();
        return (-(v * v.add(Epsilon, Scalars.One).log()).sum(1)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>All terms and the total for one step. <paramref name="features"/> and <paramref name="reFeatures"/> are raw [B, 20, h, w].</summary>
    public static PuzzleLossTerms Compute(PuzzleLossOptions options, Tensor logits, Tensor features, Tensor reFeatures, Tensor tiledLogits, Tensor labels, double alpha)
    {
        if (options.Level == LossLevel.Cam)
        {
            features = ClassActivationMaps.MakeCam(features);
            reFeatures = ClassActivationMaps.MakeCam(reFeatures);
        }
        var zero = zeros(1, dtype: logits.dtype, device: logits.device).squeeze();
        var cl = ClassificationLoss(logits, labels);
        var pcl = options.PuzzleClassLoss ? ClassificationLoss(ClassActivationMaps.GlobalAveragePool(reFeatures), labels) : zero;
        var re = options.ReconstructionLoss ? ReconstructionLoss(features, reFeatures, labels, options.Distance, options.Selection) : zero;
        var conf = options.ConfidenceLoss ? ShannonEntropyLoss(tiledLogits) : zero;
        using var reconstructionWeight = alpha.ToScalar();
        var total = cl.add(pcl, Scalars.One).add(re * reconstructionWeight, Scalars.One).add(conf, Scalars.One);
        return new PuzzleLossTerms(total, cl, pcl, re, conf, alpha);
    }
}
