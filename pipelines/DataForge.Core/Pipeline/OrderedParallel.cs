using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Per-item work on several cores with results in input order. The bounded channel holds the in-flight tasks in
/// the order they were started, so output order never depends on which thread finishes first, and at most
/// <c>2 × degree</c> items are in memory.
/// </summary>
public static class OrderedParallel
{
    public static IAsyncEnumerable<TOut> SelectOrderedAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<TIn, CancellationToken, ValueTask<TOut>> selector,
        int degree,
        CancellationToken cancellationToken = default) => SelectOrderedAsync(source, selector, degree, 2 * degree, cancellationToken);

    /// <param name="window">items started and not yet taken by the consumer, at least <paramref name="degree"/>: a slow
    /// item at the head holds back the output, and the workers run ahead of it only this far</param>
    private static async IAsyncEnumerable<TOut> SelectOrderedAsync<TIn, TOut>(
        IAsyncEnumerable<TIn> source,
        Func<TIn, CancellationToken, ValueTask<TOut>> selector,
        int degree,
        int window,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, degree);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = Channel.CreateBounded<Task<TOut>>(new BoundedChannelOptions(window) { SingleReader = true, SingleWriter = true });
        // Not disposed: work items that outlive an early exit still release it; it holds no wait handle.
#pragma warning disable CA2000
        var throttle = new SemaphoreSlim(degree);
#pragma warning restore CA2000

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in source.WithCancellation(stop.Token))
                    {
                        await throttle.WaitAsync(stop.Token);
                        var work = Task.Run(
                            async () =>
                            {
                                try
                                {
                                    return await selector(item, stop.Token);
                                }
                                finally
                                {
                                    throttle.Release();
                                }
                            },
                            stop.Token);
                        await inFlight.Writer.WriteAsync(work, stop.Token);
                    }

                    inFlight.Writer.Complete();
                }
                catch (Exception e)
                {
                    inFlight.Writer.Complete(e);
                }
            },
            stop.Token);

        try
        {
            await foreach (var work in inFlight.Reader.ReadAllAsync(stop.Token))
            {
                yield return await work;
            }
        }
        finally
        {
            // Stop the producer when the consumer leaves early (an exception downstream, or a Take()).
            await stop.CancelAsync();
            await producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Like <see cref="SelectOrderedAsync{TIn, TOut}(IAsyncEnumerable{TIn}, Func{TIn, CancellationToken, ValueTask{TOut}}, int, CancellationToken)"/>,
    /// for cheap items: consecutive items go to a worker in batches of up to <paramref name="batchSize"/> items, so the
    /// hand-off (a task, a semaphore, a channel slot) is paid once a batch instead of once an item; on 16 cores that
    /// per-item hand-off cost more than parsing a JSON line (issue 21). With <paramref name="weight"/>, a batch also closes
    /// once its items weigh <paramref name="batchWeight"/> (a large document is a batch of its own), and four batches per
    /// worker may be in flight: with batches of a fixed count, one long document at the head held back 31 batches
    /// of short ones and left half of 16 cores idle (issue 21's profile). The selector maps a whole batch (one
    /// tokenizer session per batch, say) and must return one result per item, in order.
    /// </summary>
    public static IAsyncEnumerable<TOut> SelectOrderedBatchesAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<IReadOnlyList<TIn>, TOut[]> selector,
        int degree,
        int batchSize,
        CancellationToken cancellationToken = default,
        Func<TIn, long>? weight = null,
        long batchWeight = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchWeight, 1);
        var batches = weight is null ? source.Chunk(batchSize) : ChunkByWeightAsync(source, batchSize, weight, batchWeight, cancellationToken);
        return SelectOrderedAsync(
                batches,
                (batch, _) =>
                {
                    var results = selector(batch);
                    return results.Length == batch.Length
                        ? ValueTask.FromResult(results)
                        : throw new InvalidOperationException($"a batch of {batch.Length} items gave {results.Length} results");
                },
                degree,
                weight is null ? 2 * degree : 4 * degree,
                cancellationToken)
            .SelectMany(results => results.ToAsyncEnumerable());
    }

    /// <summary>Consecutive items in batches of at most <paramref name="batchSize"/> items that close once they weigh <paramref name="batchWeight"/>.</summary>
    private static async IAsyncEnumerable<TIn[]> ChunkByWeightAsync<TIn>(
        IAsyncEnumerable<TIn> source, int batchSize, Func<TIn, long> weight, long batchWeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<TIn>(batchSize);
        var weighed = 0L;
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            batch.Add(item);
            weighed += weight(item);
            if (batch.Count == batchSize || weighed >= batchWeight)
            {
                yield return [.. batch];
                batch.Clear();
                weighed = 0;
            }
        }

        if (batch.Count > 0)
        {
            yield return [.. batch];
        }
    }
}
