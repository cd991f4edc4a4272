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
    public static async IAsyncEnumerable<TOut> SelectOrderedAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<TIn, CancellationToken, ValueTask<TOut>> selector,
        int degree,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = Channel.CreateBounded<Task<TOut>>(new BoundedChannelOptions(degree * 2) { SingleReader = true, SingleWriter = true });
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
    /// Like <see cref="SelectOrderedAsync{TIn, TOut}"/>, for cheap items: consecutive items go to a worker in batches of
    /// <paramref name="batchSize"/>, so the hand-off (a task, a semaphore, a channel slot) is paid once a batch instead
    /// of once an item; on 16 cores that per-item hand-off cost more than parsing a JSON line (issue 21). The selector
    /// maps a whole batch (one tokenizer session per batch, say) and must return one result per item, in order.
    /// </summary>
    public static IAsyncEnumerable<TOut> SelectOrderedBatchesAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<IReadOnlyList<TIn>, TOut[]> selector,
        int degree,
        int batchSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return source.Chunk(batchSize)
            .SelectOrderedAsync(
                (batch, _) =>
                {
                    var results = selector(batch);
                    return results.Length == batch.Length
                        ? ValueTask.FromResult(results)
                        : throw new InvalidOperationException($"a batch of {batch.Length} items gave {results.Length} results");
                },
                degree,
                cancellationToken)
            .SelectMany(results => results.ToAsyncEnumerable());
    }
}
