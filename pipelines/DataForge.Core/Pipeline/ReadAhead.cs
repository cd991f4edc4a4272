using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace DataForge.Core.Pipeline;

/// <summary>
/// Runs an async stream on a task of its own, up to <c>capacity</c> items ahead of its consumer, in order: a producer
/// that decodes (a source's Parquet row groups) works while the consumer does something else (blends and encodes).
/// Its failure surfaces at the consumer as itself; the producer stops when the consumer does.
/// </summary>
public static class ReadAhead
{
    public static async IAsyncEnumerable<T> Of<T>(IAsyncEnumerable<T> source, int capacity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in source.WithCancellation(stop.Token))
                    {
                        await channel.Writer.WriteAsync(item, stop.Token);
                    }

                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);
        try
        {
            while (true)
            {
                T item;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken) || !channel.Reader.TryRead(out item!))
                    {
                        break;
                    }
                }
                catch (ChannelClosedException closed) when (closed.InnerException is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
                    throw;
                }

                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
