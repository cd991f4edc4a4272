using System.Collections.Concurrent;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Layout;

/// <summary>
/// Lays samples out on several cores, results in input order: each batch takes a tokenizer session and layout
/// buffers from a pool (neither is shared while in use; the ids never depend on which one a sample got). The pool is a
/// queue, not a ConcurrentBag: batches run on whichever pool thread is free, so a bag's thread-local lists made most
/// takes a locked steal from another thread (2 % of pack's CPU on 16 cores, issue 21).
/// </summary>
public static class ParallelLayout
{
    /// <summary>Samples a worker lays out per hand-off at most (about 130 KB of web text): with 32, the hand-offs'
    /// semaphore and channel locks were 9 % of busy thread time on 16 cores (issue 21's profile).</summary>
    public const int BatchSamples = 128;

    /// <summary>Text characters a batch closes at: a long document goes alone, so batches are of like cost.</summary>
    public const int BatchCharacters = 128 << 10;

    /// <param name="samples">each sample with its order: the number its documents are sorted by when packed</param>
    public static IAsyncEnumerable<(Sample Sample, LayoutResult Result)> LayOutAsync(
        IAsyncEnumerable<(Sample Sample, long Order)> samples, DocumentLayout layout, ITextTokenizer tokenizer, int workers, CancellationToken cancellationToken)
    {
        var workersState = new ConcurrentQueue<(ITokenizerSession Session, LayoutScratch Scratch)>();
        return samples.SelectOrderedBatchesAsync(
            batch =>
            {
                (ITokenizerSession Session, LayoutScratch Scratch) state = workersState.TryDequeue(out var pooled) ? pooled : (tokenizer.CreateSession(), new LayoutScratch());
                try
                {
                    var results = new (Sample, LayoutResult)[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        results[i] = (batch[i].Sample, layout.Lay(batch[i].Sample, state.Session, batch[i].Order, state.Scratch));
                    }

                    return results;
                }
                finally
                {
                    workersState.Enqueue(state);
                }
            },
            workers,
            BatchSamples,
            cancellationToken,
            item => Weight(item.Sample),
            BatchCharacters);
    }

    /// <summary>A sample's share of a batch: its text characters, and a little for each other part and the sample itself.</summary>
    private static long Weight(Sample sample)
    {
        var weight = 64L;
        foreach (var part in sample.Parts)
        {
            weight += part is TextPart text ? text.Text.Length : 256;
        }

        return weight;
    }
}
