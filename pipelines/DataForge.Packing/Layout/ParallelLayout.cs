using System.Collections.Concurrent;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Layout;

/// <summary>
/// Lays samples out on several cores, results in input order: each worker takes a tokenizer session from a pool (a
/// session holds per-thread caches and is not shared), so the ids never depend on which thread laid a sample out.
/// </summary>
public static class ParallelLayout
{
    /// <summary>Samples a worker lays out per hand-off (a few dozen KB of web text).</summary>
    public const int BatchSamples = 32;

    /// <param name="samples">each sample with its order: the number its documents are sorted by when packed</param>
    public static IAsyncEnumerable<(Sample Sample, LayoutResult Result)> LayOutAsync(
        IAsyncEnumerable<(Sample Sample, long Order)> samples, DocumentLayout layout, ITextTokenizer tokenizer, int workers, CancellationToken cancellationToken)
    {
        var sessions = new ConcurrentBag<ITokenizerSession>();
        return samples.SelectOrderedBatchesAsync(
            batch =>
            {
                var session = sessions.TryTake(out var pooled) ? pooled : tokenizer.CreateSession();
                try
                {
                    var results = new (Sample, LayoutResult)[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        results[i] = (batch[i].Sample, layout.Lay(batch[i].Sample, session, batch[i].Order));
                    }

                    return results;
                }
                finally
                {
                    sessions.Add(session);
                }
            },
            workers,
            BatchSamples,
            cancellationToken);
    }
}
