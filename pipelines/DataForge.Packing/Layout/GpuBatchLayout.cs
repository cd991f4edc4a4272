using System.Runtime.CompilerServices;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Packing.Tokenization;
using DataForge.Packing.Tokenization.Gpu;

namespace DataForge.Packing.Layout;

/// <summary>
/// Lays out samples with their text tokenized on a GPU: samples are gathered into batches of about
/// <see cref="BatchChars"/> characters, each batch's text parts go to the device in one call, and the samples are then
/// laid out with those ids, in input order. While one batch is on the device, others are prepared, gathered and laid out on the host. The ids equal the
/// CPU tokenizer's, so the shards are the same bytes as a CPU pack.
/// </summary>
internal static class GpuBatchLayout
{
    public const int BatchChars = 8 << 20;
    public const int BatchSamples = 65_536;

    /// <summary>One batch on the device while the others are prepared, gathered or laid out on the host.</summary>
    public const int BatchesInFlight = 3;

    public static IAsyncEnumerable<(Sample Sample, LayoutResult Result)> LayOutAsync(
        IAsyncEnumerable<Sample> input, GpuTextEncoder gpu, DocumentLayout layout, CancellationToken cancellationToken)
    {
        // Layout buffers reused across samples and batches, one per host worker at a time (see ParallelLayout).
        var scratches = new System.Collections.Concurrent.ConcurrentQueue<LayoutScratch>();
        return Batches(input, cancellationToken)
            .SelectOrderedAsync(
                (batch, _) => ValueTask.FromResult(LayOut(batch.Samples, batch.FirstOrder, gpu, layout, scratches)),
                BatchesInFlight,
                cancellationToken)
            .SelectMany(results => results.ToAsyncEnumerable());
    }

    private static (Sample, LayoutResult)[] LayOut(
        List<Sample> samples, long firstOrder, GpuTextEncoder gpu, DocumentLayout layout, System.Collections.Concurrent.ConcurrentQueue<LayoutScratch> scratches)
    {
        var texts = new List<string>();
        var firstText = new int[samples.Count + 1];
        for (var i = 0; i < samples.Count; i++)
        {
            texts.AddRange(layout.TextsOf(samples[i]));
            firstText[i + 1] = texts.Count;
        }

        var ids = gpu.Encode(texts);
        var results = new (Sample, LayoutResult)[samples.Count];

        Parallel.For(
            0,
            samples.Count,
            () => scratches.TryDequeue(out var pooled) ? pooled : new LayoutScratch(),
            (i, _, scratch) =>
            {
                var session = new EncodedSession(texts, ids, firstText[i], firstText[i + 1]);
                results[i] = (samples[i], layout.Lay(samples[i], session, firstOrder + i, scratch));
                return scratch;
            },
            scratches.Enqueue);
        return results;
    }

    private static async IAsyncEnumerable<(List<Sample> Samples, long FirstOrder)> Batches(
        IAsyncEnumerable<Sample> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<Sample>();
        long chars = 0, order = 0;
        await foreach (var sample in input.WithCancellation(cancellationToken))
        {
            batch.Add(sample);
            chars += sample.Parts.OfType<TextPart>().Sum(part => (long)part.Text.Length);
            if (chars >= BatchChars || batch.Count >= BatchSamples)
            {
                yield return (batch, order);
                order += batch.Count;
                (batch, chars) = ([], 0);
            }
        }

        if (batch.Count > 0)
        {
            yield return (batch, order);
        }
    }

    /// <summary>A session that hands out one sample's text ids, already encoded on the device, in part order.</summary>
    private sealed class EncodedSession(List<string> texts, int[][] ids, int first, int end) : ITokenizerSession
    {
        private int _next = first;

        public void Encode(string text, List<int> output)
        {
            if (_next >= end || !string.Equals(texts[_next], text, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the layout asked for text parts in another order than the sample holds them");
            }

            output.AddRange(ids[_next++]);
        }
    }
}
