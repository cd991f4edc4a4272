using DataForge.Core.Storage;
using Parquet;

namespace DataForge.Packing.Shards;

/// <summary>
/// One shard file's rows group by group, whatever its format: a Parquet file's row groups (decoded with the raw column
/// reader, <see cref="ShardRowGroups"/>), or an Arrow IPC file's record batches (<see cref="ArrowShardFile"/>: local
/// files memory-mapped, values copied out of the map with nothing to decode). The format is the file's extension.
/// </summary>
public sealed class ShardFileReader : IAsyncDisposable
{
    private readonly Stream? _stream;
    private readonly ParquetReader? _parquet;
    private readonly ArrowShardFile? _arrow;

    private ShardFileReader(Stream? stream, ParquetReader? parquet, ArrowShardFile? arrow) => (_stream, _parquet, _arrow) = (stream, parquet, arrow);

    public static async Task<ShardFileReader> OpenAsync(IStorage folder, string name, CancellationToken cancellationToken)
    {
        if (ShardFormats.IsArrow(name))
        {
            if (folder is LocalStorage local)
            {
                return new ShardFileReader(null, null, new ArrowShardFile(new MappedShardBytes(Path.Combine(local.RootDirectory, StoragePaths.Normalize(name)))));
            }

            var remote = await folder.OpenReadAsync(name, cancellationToken);
            if (!remote.CanSeek)
            {
                // A stream that cannot seek is read whole (Arrow's footer is at the end).
                var copy = new MemoryStream();
                await using (remote)
                {
                    await remote.CopyToAsync(copy, cancellationToken);
                }

                remote = copy;
            }

            return new ShardFileReader(null, null, new ArrowShardFile(new StreamShardBytes(remote)));
        }

        var stream = await folder.OpenReadAsync(name, cancellationToken);
        try
        {
            return new ShardFileReader(stream, await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken), null);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public int GroupCount => _parquet?.RowGroupCount ?? _arrow!.BatchCount;

    public long GroupRows(int group) => _parquet is not null ? _parquet.RowGroups[group].RowCount : _arrow!.BatchRows(group);

    /// <summary>The rows of one row group (record batch); with <paramref name="columns"/>, only those columns are read.</summary>
    public async Task<IList<ShardRow>> ReadGroupAsync(int group, IReadOnlySet<string>? columns, CancellationToken cancellationToken) =>
        _parquet is not null
            ? await ShardRowGroups.ReadAsync(_parquet, _stream!, group, columns, cancellationToken)
            : _arrow!.ReadRows(group, columns);

    public async ValueTask DisposeAsync()
    {
        if (_parquet is not null)
        {
            await _parquet.DisposeAsync();
        }

        _arrow?.Dispose();
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }
}
