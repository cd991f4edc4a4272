using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Packing.Shards;

/// <summary>
/// Writes rows into <c>shard-NNNNN.parquet</c> files (with a task prefix when the run has several tasks), rolling
/// after a number of rows; each file is published atomically when full or at the end.
/// </summary>
public sealed class ShardWriter(IStorage folder, string namePrefix, int rowsPerShard, int rowGroupSize) : IAsyncDisposable
{
    private readonly List<ShardRow> _pending = [];
    private readonly List<ShardFile> _files = [];
    private IAtomicWrite? _current;
    private string _currentName = string.Empty;
    private long _rowsInCurrent;
    private long _tokensInCurrent;
    private bool _anyRowGroup;

    public ShardStats Stats { get; } = new();

    public IReadOnlyList<ShardFile> Files => _files;

    public static string ShardName(string prefix, int index) => $"{prefix}{index:D5}.parquet";

    public async ValueTask WriteAsync(ShardRow row, CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            _currentName = ShardName(namePrefix, _files.Count);
            _current = await folder.BeginWriteAsync(_currentName, cancellationToken);
            _anyRowGroup = false;
            _rowsInCurrent = 0;
            _tokensInCurrent = 0;
        }

        _pending.Add(row);
        Stats.Add(row);
        _rowsInCurrent++;
        _tokensInCurrent += row.CuSeqlens[^1];
        if (_pending.Count >= rowGroupSize)
        {
            await FlushRowGroupAsync(cancellationToken);
        }

        if (_rowsInCurrent >= rowsPerShard)
        {
            await CompleteFileAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ShardFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_current is not null)
        {
            await CompleteFileAsync(cancellationToken);
        }

        return _files;
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
        }
    }

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        var stream = _current!.Stream;
        if (_anyRowGroup)
        {
            stream.Position = 0;
        }

        await ParquetSerializer.SerializeAsync(_pending, stream, new ParquetOptions { Append = _anyRowGroup, RowGroupSize = Math.Max(1, _pending.Count) }, cancellationToken: cancellationToken);
        _anyRowGroup = true;
        _pending.Clear();
    }

    private async Task CompleteFileAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count > 0)
        {
            await FlushRowGroupAsync(cancellationToken);
        }

        var stream = _current!.Stream;
        await stream.FlushAsync(cancellationToken);
        var bytes = stream.Length;
        stream.Position = 0;
        var sha256 = await Hashes.Sha256HexAsync(stream, cancellationToken);
        await _current.CommitAsync(cancellationToken);
        await _current.DisposeAsync();
        _current = null;
        _files.Add(new ShardFile(_currentName, _rowsInCurrent, _tokensInCurrent, bytes, sha256));
    }
}
