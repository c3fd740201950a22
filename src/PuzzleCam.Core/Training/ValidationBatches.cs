using PuzzleCam.Data.Loading;
using PuzzleCam.Data.Transforms;

namespace PuzzleCam.Training;

/// <summary>
/// The batches an in-training validation scores: every image of its split, in order, read on one thread (the
/// reference drops the last partial batch, which only loses information), and the pass over them with the model in
/// eval mode and without gradients.
/// </summary>
/// <param name="count">Images in the split.</param>
/// <param name="read">Reads image <c>index</c> and what it is scored against.</param>
/// <param name="batchSize">Images per forward.</param>
public sealed class ValidationBatches<TSample>(int count, Func<int, RandomSource, TSample> read, int batchSize)
{
    private readonly BatchLoader<TSample, IReadOnlyList<TSample>> _loader = new(count, read, batch => batch.ToArray(),
        new BatchLoaderOptions { BatchSize = batchSize, Shuffle = false, DropLast = false, Workers = 1 });

    /// <summary>
    /// Calls <paramref name="score"/> on every batch with <paramref name="model"/> in eval mode and no gradients,
    /// freeing each batch's tensors after it; the model's mode is restored after, so that training goes on as before.
    /// </summary>
    public void Score(nn.Module model, Action<IReadOnlyList<TSample>> score, CancellationToken cancel)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            foreach (var batch in _loader.Epoch(0, cancel))
            {
                using var scope = NewDisposeScope();
                score(batch);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
