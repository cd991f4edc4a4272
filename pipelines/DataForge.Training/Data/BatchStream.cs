using System.Threading.Channels;
using DataForge.Packing.Shards;

namespace DataForge.Training.Data;

/// <summary>A batch, the data position right after it (what a checkpoint records) and, for a blend, each source's real tokens in it.</summary>
public sealed record PositionedBatch(TrainingBatch Batch, DataPosition After, IReadOnlyList<long> SourceTokens);

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
        : this(TrainingRows.SingleAsync(rows, start), [new TrainingSource(string.Empty, rows, 1, media)], batchSize, prefetch, pin)
    {
    }

    /// <param name="rows">the training rows (see <see cref="TrainingRows"/>), each with its source among <paramref name="sources"/></param>
    public BatchStream(IAsyncEnumerable<PositionedRow> rows, IReadOnlyList<TrainingSource> sources, int batchSize, int prefetch = 2, bool pin = false)
    {
        _channel = Channel.CreateBounded<PositionedBatch>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
        _producer = Task.Run(() => ProduceAsync(rows, sources, batchSize, pin, _stop.Token));
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

    private async Task ProduceAsync(IAsyncEnumerable<PositionedRow> rows, IReadOnlyList<TrainingSource> sources, int batchSize, bool pin, CancellationToken cancellationToken)
    {
        try
        {
            var pending = new List<PositionedRow>();
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                pending.Add(row);
                if (pending.Count == batchSize)
                {
                    var batch = TrainingBatch.From([.. pending.Select(p => p.Row.Row)], [.. pending.Select(p => sources[p.Source].Media)], [.. pending.Select(p => p.Row.Id)]);
                    var tokens = new long[sources.Count];
                    foreach (var p in pending)
                    {
                        tokens[p.Source] += TrainingRows.RealTokens(p.Row);
                    }

                    await _channel.Writer.WriteAsync(new PositionedBatch(pin ? batch.Pinned() : batch, pending[^1].After, tokens), cancellationToken);
                    pending.Clear();
                }
            }

            _channel.Writer.TryComplete();
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
