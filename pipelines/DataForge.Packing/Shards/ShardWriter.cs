using System.Threading.Channels;
using DataForge.Core.Storage;

namespace DataForge.Packing.Shards;

/// <summary>
/// Writes rows into <c>shard-NNNNN.parquet</c> (and/or <c>.arrow</c>) files (with a task prefix when the run has several tasks), rolling
/// after <c>rowsPerShard</c> rows. Each file is encoded on a task of its own (<see cref="ShardFileEncoder"/>), so up to
/// <c>parallelFiles</c> files are encoded at once while rows go on arriving: on many cores one encoder was pack's
/// ceiling (issue 21). A file's rows are always rows <c>k × rowsPerShard …</c> of the stream, so the bytes never
/// depend on how many files were in flight. Memory: at most <c>pendingRows</c> rows wait per open file.
/// </summary>
public sealed class ShardWriter<TRow> : IAsyncDisposable
{
    private readonly IStorage _folder;
    private readonly string _namePrefix;
    private readonly int _rowsPerShard;
    private readonly ShardEncoding _encoding;
    private readonly int _pendingRows;
    private readonly IShardColumns<TRow> _columns;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task<(ShardFile File, ShardStats Stats)>> _files = [];
    private Channel<TRow>? _current;
    private long _rowsInCurrent;

    /// <param name="parallelFiles">files encoded at once</param>
    /// <param name="pendingRows">rows that may wait for an open file's encoder (a whole file lets the rows run ahead of it)</param>
    public ShardWriter(IStorage folder, string namePrefix, int rowsPerShard, ShardEncoding encoding, IShardColumns<TRow> columns, int parallelFiles = 1, int? pendingRows = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelFiles, 1);
        (_folder, _namePrefix, _rowsPerShard, _encoding, _columns) = (folder, namePrefix, rowsPerShard, encoding, columns);
        _pendingRows = Math.Max(1, pendingRows ?? 2 * encoding.RowGroupSize);
        _slots = new SemaphoreSlim(parallelFiles);
    }

    /// <summary>A shard's name without its extension (.parquet, .arrow).</summary>
    public static string ShardStem(string prefix, int index) => $"{prefix}{index:D5}";

    /// <summary>Rows given so far.</summary>
    public long Rows { get; private set; }

    public async ValueTask WriteAsync(TRow row, CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            await _slots.WaitAsync(cancellationToken);
            var rows = Channel.CreateBounded<TRow>(new BoundedChannelOptions(_pendingRows) { SingleReader = true, SingleWriter = true });
            var name = ShardStem(_namePrefix, _files.Count);
            _files.Add(Task.Run(() => EncodeAsync(name, rows), CancellationToken.None));
            (_current, _rowsInCurrent) = (rows, 0);
        }

        await _current.Writer.WriteAsync(row, cancellationToken); // throws the encoder's exception if it failed
        Rows++;
        if (++_rowsInCurrent >= _rowsPerShard)
        {
            _current.Writer.Complete();
            _current = null;
        }
    }

    /// <summary>Closes the last file and waits for every encoder; the files in order with their accounting.</summary>
    public async Task<(IReadOnlyList<ShardFile> Files, ShardStats Stats)> CompleteAsync()
    {
        _current?.Writer.Complete();
        _current = null;
        var done = await Task.WhenAll(_files);
        var stats = new ShardStats();
        foreach (var (_, fileStats) in done)
        {
            stats.Add(fileStats);
        }

        return ([.. done.Select(file => file.File)], stats);
    }

    private async Task<(ShardFile File, ShardStats Stats)> EncodeAsync(string name, Channel<TRow> rows)
    {
        try
        {
            return await ShardFileEncoder.WriteAsync(_folder, name, rows.Reader, _columns, _encoding, _stop.Token);
        }
        catch (Exception e)
        {
            // The row stream's writer sees this exception instead of waiting on an encoder that is gone.
            rows.Writer.TryComplete(e);
            throw;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Stops encoders still running (a failed or cancelled run): their files are discarded, not published.</summary>
    public async ValueTask DisposeAsync()
    {
        // Cancel before closing the open file's rows, so its encoder abandons the file instead of publishing it short.
        await _stop.CancelAsync();
        _current?.Writer.TryComplete(new OperationCanceledException("the shard writer was disposed before the rows ended"));
        try
        {
            await Task.WhenAll(_files);
        }
        catch (Exception)
        {
            // Already reported by CompleteAsync or WriteAsync, or the run is being abandoned.
        }

        _stop.Dispose();
        _slots.Dispose();
    }
}
