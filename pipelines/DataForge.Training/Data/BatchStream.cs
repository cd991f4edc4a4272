using System.Threading.Channels;
using DataForge.Packing.Shards;

namespace DataForge.Training.Data;

/// <summary>A batch and the data position right after it (what a checkpoint records).</summary>
public sealed record PositionedBatch(TrainingBatch Batch, DataPosition After);

/// <summary>
/// Batches of packed rows, built on a background task that stays up to <c>prefetch</c> batches ahead of training
/// (reading Parquet and laying out batches overlaps the model's work; for a GPU, in pinned memory). Epochs follow one another; a batch may take its
/// last rows from the next epoch. Starting from a position replays the epoch's order and skips what was consumed.
/// </summary>
public sealed class BatchStream : IAsyncDisposable
{
    private readonly Channel<PositionedBatch> _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;

    /// <param name="pin">build batches in page-locked memory (for a CUDA device: the copy to it is then asynchronous)</param>
    public BatchStream(ShardRows rows, int batchSize, DataPosition start, Media.MediaLoader? media = null, int prefetch = 2, bool pin = false)
    {
        _channel = Channel.CreateBounded<PositionedBatch>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
        _producer = Task.Run(() => ProduceAsync(rows, batchSize, start, media, pin, _stop.Token));
    }

    /// <summary>The next batch; a failure of the loader (a missing media object, a broken shard) surfaces as itself.</summary>
    public async ValueTask<PositionedBatch> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _channel.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            throw;
        }
    }

    private async Task ProduceAsync(ShardRows rows, int batchSize, DataPosition start, Media.MediaLoader? media, bool pin, CancellationToken cancellationToken)
    {
        try
        {
            var pending = new List<NumberedRow>();
            for (var epoch = start.Epoch; ; epoch++)
            {
                long consumed = 0;
                var skip = epoch == start.Epoch ? start.Rows : 0;
                await foreach (var row in rows.EpochAsync(epoch, cancellationToken))
                {
                    consumed++;
                    if (consumed <= skip)
                    {
                        continue;
                    }

                    pending.Add(row);
                    if (pending.Count == batchSize)
                    {
                        var batch = TrainingBatch.From([.. pending.Select(p => p.Row)], media, [.. pending.Select(p => p.Id)]);
                        await _channel.Writer.WriteAsync(new PositionedBatch(pin ? batch.Pinned() : batch, new DataPosition(epoch, consumed)), cancellationToken);
                        pending.Clear();
                    }
                }

                if (consumed == 0)
                {
                    throw new InvalidDataException("the shards hold no training rows");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _channel.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _channel.Writer.TryComplete(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _producer;
        }
        catch (OperationCanceledException)
        {
        }

        while (_channel.Reader.TryRead(out var left))
        {
            left.Batch.Dispose();
        }

        _stop.Dispose();
    }
}
