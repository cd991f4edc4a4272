using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using Parquet;

namespace DataForge.Packing.Shards;

/// <summary>
/// Writes rows into <c>shard-NNNNN.parquet</c> files (with a task prefix when the run has several tasks), rolling
/// after a number of rows; each file is published atomically when full or at the end. Columns are written with
/// Parquet.Net's low-level writer from flat buffers (values plus Dremel repetition and definition levels): the
/// same bytes as its object serializer, at a fraction of the cost on L-long lists.
/// </summary>
public sealed class ShardWriter(IStorage folder, string namePrefix, int rowsPerShard, int rowGroupSize) : IAsyncDisposable
{
    /// <summary>Definition levels: an optional list with entries (2), its optional string elements present (3), or empty (1).</summary>
    private const int IntPresent = 2;
    private const int StringPresent = 3;
    private const int EmptyList = 1;

    private readonly List<ShardRow> _pending = [];
    private readonly List<ShardFile> _files = [];
    private IAtomicWrite? _current;
    private ParquetWriter? _parquet;
    private string _currentName = string.Empty;
    private long _rowsInCurrent;
    private long _tokensInCurrent;

    public ShardStats Stats { get; } = new();

    public IReadOnlyList<ShardFile> Files => _files;

    public static string ShardName(string prefix, int index) => $"{prefix}{index:D5}.parquet";

    public async ValueTask WriteAsync(ShardRow row, CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            _currentName = ShardName(namePrefix, _files.Count);
            _current = await folder.BeginWriteAsync(_currentName, cancellationToken);
            _parquet = await ParquetWriter.CreateAsync(ShardSchema.Schema, _current.Stream, cancellationToken: cancellationToken);
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
        if (_parquet is not null)
        {
            await _parquet.DisposeAsync();
        }

        if (_current is not null)
        {
            await _current.DisposeAsync();
        }
    }

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        var fields = ShardSchema.Schema.GetDataFields();
        using var group = _parquet!.CreateRowGroup();
        for (var column = 0; column < ShardSchema.IntColumns.Length; column++)
        {
            var total = 0;
            foreach (var row in _pending)
            {
                total += Math.Max(1, ShardSchema.IntColumn(row, column).Length);
            }

            var values = new int[total];
            var repetition = new int[total];
            var definition = new int[total];
            var levels = 0;
            var valueCount = 0;
            foreach (var row in _pending)
            {
                var list = ShardSchema.IntColumn(row, column);
                if (list.Length == 0)
                {
                    definition[levels++] = EmptyList;
                    continue;
                }

                list.CopyTo(values, valueCount);
                valueCount += list.Length;
                for (var i = 0; i < list.Length; i++)
                {
                    repetition[levels] = i == 0 ? 0 : 1;
                    definition[levels++] = IntPresent;
                }
            }

            await group.WriteAllPartsAsync<int>(fields[column], values.AsMemory(0, valueCount), definition.AsMemory(0, levels), repetition.AsMemory(0, levels), cancellationToken);
        }

        for (var column = 0; column < ShardSchema.StringColumns.Length; column++)
        {
            var values = new List<ReadOnlyMemory<char>>();
            var repetition = new List<int>();
            var definition = new List<int>();
            foreach (var row in _pending)
            {
                var list = ShardSchema.StringColumn(row, column);
                if (list.Length == 0)
                {
                    repetition.Add(0);
                    definition.Add(EmptyList);
                }

                for (var i = 0; i < list.Length; i++)
                {
                    values.Add(list[i].AsMemory());
                    repetition.Add(i == 0 ? 0 : 1);
                    definition.Add(StringPresent);
                }
            }

            await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(
                fields[ShardSchema.IntColumns.Length + column], values.ToArray(), definition.ToArray(), repetition.ToArray(), cancellationToken);
        }

        _pending.Clear();
    }

    private async Task CompleteFileAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count > 0)
        {
            await FlushRowGroupAsync(cancellationToken);
        }

        await _parquet!.DisposeAsync();
        _parquet = null;
        var stream = _current!.Stream;
        await stream.FlushAsync(cancellationToken);
        var bytes = stream.Length;
        stream.Position = 0;
        var sha256 = await Hashes.Sha256HexAsync(stream, cancellationToken);
        stream.Position = bytes;
        await _current.CommitAsync(cancellationToken);
        await _current.DisposeAsync();
        _current = null;
        _files.Add(new ShardFile(_currentName, _rowsInCurrent, _tokensInCurrent, bytes, sha256));
    }
}
