namespace PuzzleCam.Classification;

/// <summary>Everything one Puzzle-CAM forward computes: both passes, the merged tile maps and the loss terms.</summary>
public sealed record PuzzleForward(Tensor Logits, Tensor Features, Tensor TiledLogits, Tensor TiledFeatures, Tensor ReFeatures, PuzzleLossTerms Terms);

/// <summary>The forward of one training step of stage 1, with the puzzle module or as the baseline.</summary>
public static class PuzzleStep
{
    /// <summary>
    /// The full images and their tiles through the same classifier (both passes carry gradients; in normal mode each
    /// pass has its own batch statistics), the tile maps merged back, and the losses at weight <paramref name="alpha"/>.
    /// </summary>
    public static PuzzleForward Run(Classifier model, Tensor images, Tensor labels, int numPieces, PuzzleLossOptions losses, double alpha)
    {
        var (logits, features) = model.forward(images);
        var (tiledLogits, tiledFeatures) = model.forward(PuzzleModule.TileFeatures(images, numPieces));
        var reFeatures = PuzzleModule.MergeFeatures(tiledFeatures, numPieces, images.shape[0]);
        var terms = PuzzleLosses.Compute(losses, logits, features, reFeatures, tiledLogits, labels, alpha);
        return new PuzzleForward(logits, features, tiledLogits, tiledFeatures, reFeatures, terms);
    }

    /// <summary>The baseline's loss (train_classification.py): pool, classify, multi-label soft margin.</summary>
    public static Tensor Baseline(Classifier model, Tensor images, Tensor labels) =>
        PuzzleLosses.ClassificationLoss(model.Logits(images), labels);
}
