using System.Buffers;
using System.Threading.Channels;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using DataForge.Core.Storage;
using DataForge.Packing.Shards.ParquetFiles;

namespace DataForge.Packing.Shards;

/// <summary>
/// Writes one shard from its rows, in order, as a Parquet file, an Arrow IPC file or both: row groups (record batches)
/// of <c>RowGroupSize</c> rows whose columns are filled once into flat buffers and handed to each format. Parquet gets
/// values plus Dremel repetition and definition levels through <see cref="ShardParquetWriter"/> (the table Parquet.Net
/// wrote for these rows, with one copy of the values instead of per-value level and statistics work); Arrow gets the same values with list offsets, uncompressed, so
/// the trainer can map the file. Each file is published atomically with its sha256 when the rows end; a failure or
/// cancellation leaves nothing visible.
/// </summary>
internal static class ShardFileEncoder
{
    /// <param name="stem">the shard's name without extension (shard-00000)</param>
    public static async Task<(ShardFile File, ShardStats Stats)> WriteAsync<TRow>(
        IStorage folder, string stem, ChannelReader<TRow> rows, IShardColumns<TRow> columns, ShardEncoding encoding, CancellationToken cancellationToken)
    {
        var stats = new ShardStats();
        long tokens = 0;
        var pending = new List<TRow>(encoding.RowGroupSize);
        await using var parquetFile = ShardFormats.WritesParquet(encoding.Format) ? await folder.BeginWriteAsync($"{stem}.parquet", cancellationToken) : null;
        await using var arrowFile = ShardFormats.WritesArrow(encoding.Format) ? await folder.BeginWriteAsync($"{stem}.arrow", cancellationToken) : null;
        using var parquet = parquetFile is null ? null : new ShardParquetWriter(parquetFile.Stream, encoding.Compression);
        if (parquet is not null)
        {
            await parquet.StartAsync(cancellationToken);
        }

        var arrow = arrowFile is null ? null : new ArrowFileWriter(arrowFile.Stream, ShardArrow.Schema, leaveOpen: true);
        try
        {
            await foreach (var row in rows.ReadAllAsync(cancellationToken))
            {
                pending.Add(row);
                columns.Count(row, stats);
                tokens += columns.RealTokens(row);
                if (pending.Count >= encoding.RowGroupSize)
                {
                    await WriteGroupAsync(parquet, arrow, pending, columns, cancellationToken);
                    pending.Clear();
                }
            }

            if (pending.Count > 0)
            {
                await WriteGroupAsync(parquet, arrow, pending, columns, cancellationToken);
            }

            if (parquet is not null)
            {
                await parquet.FinishAsync(cancellationToken);
            }

            if (arrow is not null)
            {
                await arrow.WriteEndAsync(cancellationToken);
            }
        }
        finally
        {
            arrow?.Dispose();
        }

        var parquetCopy = parquetFile is null ? null : await PublishAsync(parquetFile, $"{stem}.parquet", cancellationToken);
        var arrowCopy = arrowFile is null ? null : await PublishAsync(arrowFile, $"{stem}.arrow", cancellationToken);
        var primary = parquetCopy ?? arrowCopy!;
        return (new ShardFile(primary.Name, stats.Rows, tokens, primary.Bytes, primary.Sha256, parquetCopy is null ? null : arrowCopy), stats);
    }

    private static async Task<ShardFileCopy> PublishAsync(IAtomicWrite file, string name, CancellationToken cancellationToken)
    {
        var (bytes, sha256) = await file.CommitHashedAsync(cancellationToken);
        return new ShardFileCopy(name, bytes, sha256);
    }

    private static async Task WriteGroupAsync<TRow>(ShardParquetWriter? parquet, ArrowFileWriter? arrow, List<TRow> rows, IShardColumns<TRow> columns, CancellationToken cancellationToken)
    {
        var arrays = new IArrowArray[ShardSchema.IntColumns.Length + ShardSchema.StringColumns.Length];
        for (var column = 0; column < ShardSchema.IntColumns.Length; column++)
        {
            var total = 0;
            foreach (var row in rows)
            {
                total += Math.Max(1, columns.IntLength(row, column));
            }

            // Pooled: a row group of 128 rows at L = 4096 is 2 MB a buffer, which would be a large-object allocation each.
            var values = ArrayPool<int>.Shared.Rent(total);
            var offsets = ArrayPool<int>.Shared.Rent(rows.Count + 1);
            try
            {
                var valueCount = 0;
                for (var r = 0; r < rows.Count; r++)
                {
                    offsets[r] = valueCount;
                    var length = columns.IntLength(rows[r], column);
                    columns.CopyInts(rows[r], column, values.AsSpan(valueCount, length));
                    valueCount += length;
                }

                offsets[rows.Count] = valueCount;
                if (parquet is not null)
                {
                    await parquet.WriteIntColumnAsync(column, values.AsMemory(0, valueCount), offsets.AsMemory(0, rows.Count + 1), cancellationToken);
                }

                if (arrow is not null)
                {
                    arrays[column] = ShardArrow.IntColumn(column, values.AsSpan(0, valueCount), offsets.AsSpan(0, rows.Count + 1));
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(values);
                ArrayPool<int>.Shared.Return(offsets);
            }
        }

        for (var column = 0; column < ShardSchema.StringColumns.Length; column++)
        {
            var lists = rows.Select(row => columns.Strings(row, column)).ToList();
            if (parquet is not null)
            {
                await parquet.WriteStringColumnAsync(column, lists, cancellationToken);
            }

            if (arrow is not null)
            {
                arrays[ShardSchema.IntColumns.Length + column] = ShardArrow.StringColumn(column, lists);
            }
        }

        parquet?.EndRowGroup(rows.Count);
        if (arrow is not null)
        {
            using var batch = new RecordBatch(ShardArrow.Schema, arrays, rows.Count);
            await arrow.WriteRecordBatchAsync(batch, cancellationToken);
        }
    }
}
