using System.Collections.Concurrent;
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
/// laid out with those ids, in input order. While one batch is on the device, others are prepared, gathered and laid
/// out on the host. The GPU opens (CUDA start-up, the kernel's compilation: about two seconds) while the first
/// batches are laid out with the CPU tokenizer; a batch goes to the device once it is open. The ids equal the CPU
/// tokenizer's, so the shards are the same bytes as a CPU pack whichever batches the device took.
/// </summary>
internal static class GpuBatchLayout
{
    /// <summary>
    /// Text characters per batch: 4 Mi as fast as 8 Mi on 1 GB (7.9-8.0 s against 7.6-8.5 s) at 1.36-1.38 GB of peak
    /// RSS instead of 1.6-1.9 GB (issue 21).
    /// </summary>
    public const int BatchChars = 4 << 20;
    public const int BatchSamples = 65_536;

    /// <summary>One batch on the device while the others are prepared, gathered or laid out on the host.</summary>
    public const int BatchesInFlight = 3;

    /// <param name="gpu">
    /// the device's encoder once it is open, or null when it could not open (then every batch is laid out on the CPU);
    /// a batch goes to the device when the encoder is there as the batch is formed
    /// </param>
    /// <param name="counts">batches laid out on the device and on the CPU (for the log)</param>
    /// <param name="batchChars">text characters per batch (tests make it small)</param>
    public static IAsyncEnumerable<(Sample Sample, LayoutResult Result)> LayOutAsync(
        IAsyncEnumerable<Sample> input,
        Task<GpuTextEncoder?> gpu,
        DocumentLayout layout,
        ITextTokenizer tokenizer,
        BatchCounts counts,
        CancellationToken cancellationToken,
        int batchChars = BatchChars)
    {
        // Layout buffers (and CPU sessions, made when first needed) reused across samples and batches, one per host
        // worker at a time (see ParallelLayout).
        var workers = new ConcurrentQueue<HostWorker>();
        return Batches(input, batchChars, cancellationToken)
            .Select(batch => (batch.Samples, batch.FirstOrder, Device: gpu.IsCompletedSuccessfully ? gpu.Result : null))
            .SelectOrderedAsync(
                (batch, _) => ValueTask.FromResult(
                    batch.Device is { } encoder
                        ? OnDevice(batch.Samples, batch.FirstOrder, encoder, layout, workers, counts)
                        : OnHost(batch.Samples, batch.FirstOrder, tokenizer, layout, workers, counts, gpu.IsCompleted ? -1 : OpeningParallelism)),
                BatchesInFlight,
                cancellationToken)
            .SelectMany(results => results.ToAsyncEnumerable());
    }

    /// <summary>Batches laid out on each side so far; safe from several threads.</summary>
    internal sealed class BatchCounts
    {
        private long _device;
        private long _host;

        public long Device => Interlocked.Read(ref _device);

        public long Host => Interlocked.Read(ref _host);

        public void AddDevice() => Interlocked.Increment(ref _device);

        public void AddHost() => Interlocked.Increment(ref _host);
    }

    private sealed class HostWorker
    {
        public LayoutScratch Scratch { get; } = new();

        public ITokenizerSession? Session { get; set; }
    }

    private static (Sample, LayoutResult)[] OnDevice(
        List<Sample> samples, long firstOrder, GpuTextEncoder gpu, DocumentLayout layout, ConcurrentQueue<HostWorker> workers, BatchCounts counts)
    {
        var texts = new List<string>();
        var firstText = new int[samples.Count + 1];
        for (var i = 0; i < samples.Count; i++)
        {
            texts.AddRange(layout.TextsOf(samples[i]));
            firstText[i + 1] = texts.Count;
        }

        using var encoded = gpu.EncodeTexts(texts);
        var results = LayOutAll(samples, workers, -1, (i, worker) => layout.Lay(samples[i], new EncodedSession(texts, encoded, firstText[i], firstText[i + 1]), firstOrder + i, worker.Scratch));
        counts.AddDevice();
        return results;
    }

    /// <summary>
    /// Threads per CPU batch while the GPU opens: the batches in flight together leave two cores to the reader and to
    /// the kernel's compilation, which took twice as long on a host kept busy (3.7 s against 1.9 s; pack of 1 GB on 16
    /// cores 9.3-9.4 s -> 7.6-8.5 s, issue 21).
    /// </summary>
    private static int OpeningParallelism => Math.Max(1, (Environment.ProcessorCount - 2) / BatchesInFlight);

    private static (Sample, LayoutResult)[] OnHost(
        List<Sample> samples, long firstOrder, ITextTokenizer tokenizer, DocumentLayout layout, ConcurrentQueue<HostWorker> workers, BatchCounts counts, int parallelism)
    {
        var results = LayOutAll(samples, workers, parallelism, (i, worker) => layout.Lay(samples[i], worker.Session ??= tokenizer.CreateSession(), firstOrder + i, worker.Scratch));
        counts.AddHost();
        return results;
    }

    private static (Sample, LayoutResult)[] LayOutAll(List<Sample> samples, ConcurrentQueue<HostWorker> workers, int parallelism, Func<int, HostWorker, LayoutResult> lay)
    {
        var results = new (Sample, LayoutResult)[samples.Count];
        Parallel.For(
            0,
            samples.Count,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            () => workers.TryDequeue(out var pooled) ? pooled : new HostWorker(),
            (i, _, worker) =>
            {
                results[i] = (samples[i], lay(i, worker));
                return worker;
            },
            workers.Enqueue);
        return results;
    }

    private static async IAsyncEnumerable<(List<Sample> Samples, long FirstOrder)> Batches(
        IAsyncEnumerable<Sample> input, int batchChars, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<Sample>();
        long chars = 0, order = 0;
        await foreach (var sample in input.WithCancellation(cancellationToken))
        {
            batch.Add(sample);
            chars += sample.Parts.OfType<TextPart>().Sum(part => (long)part.Text.Length);
            if (chars >= batchChars || batch.Count >= BatchSamples)
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

    /// <summary>
    /// A session that hands out one sample's text ids, already encoded on the device, in part order: gathered from the
    /// device's output straight into the layout's buffer.
    /// </summary>
    private sealed class EncodedSession(List<string> texts, GpuTextEncoder.EncodedTexts encoded, int first, int end) : ITokenizerSession
    {
        private int _next = first;

        public void Encode(string text, List<int> output)
        {
            if (_next >= end || !string.Equals(texts[_next], text, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the layout asked for text parts in another order than the sample holds them");
            }

            encoded.AppendIds(_next++, output);
        }
    }
}
