using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Training.Data;

/// <summary>
/// Where the trainer is in its data: the epoch and how many of its training rows it has consumed; for a blend of
/// shard sets, <see cref="Rows"/> counts every source's rows and <see cref="Sources"/> holds each source's own place.
/// </summary>
public sealed record DataPosition(
    int Epoch,
    long Rows,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SourcePosition>? Sources = null);

/// <summary>One source of a blend: its epoch, the rows of that epoch consumed, and the real tokens it has given in all.</summary>
public sealed record SourcePosition(string Name, int Epoch, long Rows, long Tokens);

/// <summary>A row and its number in the shard set (files in index.json order, rows in file order, from 0).</summary>
public sealed record NumberedRow(ShardRow Row, long Id);

/// <summary>
/// The training and held-out rows of a packed shard set. Each epoch visits every row group of every file in a seeded
/// order and passes the rows through a seeded shuffle buffer of <c>shuffleBufferRows</c> (the approach of MosaicML
/// Streaming's shuffle blocks and tf.data's buffer): a step's rows come from many row groups, so a corpus packed in
/// domain order (all English, then all Chinese, then code) does not give domain-pure steps. The sequence depends only
/// on the seed and the epoch, so a resumed run replays it to its position. Memory: the buffer plus one row group.
/// A shard set with splits (index.json <c>splits</c>) trains on the train split and the rows without a split, and
/// evaluates on the dev split (dev, validation, val or valid; its first <see cref="MaxDevRows"/> rows); test and any
/// other split are never read. Without a dev split the last <c>evalRows</c> training rows are held out instead, and
/// never trained on.
/// </summary>
public sealed class ShardRows
{
    public const int DefaultShuffleBuffer = 1024;

    /// <summary>The most rows of a dev split the held-out loss is measured on.</summary>
    public const int MaxDevRows = 256;

    private readonly IStorage folder;
    private readonly ShardIndex index;
    private readonly long seed;
    private readonly int shuffleBufferRows;
    private readonly TimeSpan _readTimeout;
    private readonly IReadOnlyList<ShardFile> _files;
    private readonly IReadOnlyList<ShardFile>? _dev;
    private readonly int _evalRows;

    private int[]? _rowGroups;

    /// <param name="shardFormat">auto (the Arrow files when the set has them, else Parquet), parquet or arrow</param>
    public ShardRows(IStorage folder, ShardIndex index, long seed, int evalRows, int shuffleBufferRows = DefaultShuffleBuffer, TimeSpan? readTimeout = null, string shardFormat = AutoFormat)
    {
        this.folder = folder;
        this.index = index;
        this.seed = seed;
        this.shuffleBufferRows = shuffleBufferRows;
        _readTimeout = readTimeout ?? ShardReader.DefaultReadTimeout;
        if (index.Splits is { } splits)
        {
            var elsewhere = splits.Where(pair => pair.Key != SplitNames.Training).SelectMany(pair => pair.Value.Files).ToHashSet(StringComparer.Ordinal);
            _files = [.. index.Files.Where(file => !elsewhere.Contains(file.Name))];
            DevSplit = SplitNames.Evaluation.FirstOrDefault(splits.ContainsKey);
            if (DevSplit is { } dev)
            {
                var devFiles = splits[dev].Files.ToHashSet(StringComparer.Ordinal);
                _dev = [.. index.Files.Where(file => devFiles.Contains(file.Name))];
            }
        }
        else
        {
            _files = index.Files;
        }

        // Files are chosen by their Parquet names (splits list those); then each entry is the file of the format read.
        Format = ResolveFormat(folder, index, shardFormat);
        _files = [.. _files.Select(file => file.In(Format)!)];
        _dev = _dev?.Select(file => file.In(Format)!).ToList();
        _evalRows = _dev is not null
            ? (int)Math.Min(MaxDevRows, _dev.Sum(file => file.Rows))
            : (int)Math.Min(evalRows, Math.Max(0, _files.Sum(file => file.Rows) - 1));
    }

    public ShardIndex Index => index;

    public const string AutoFormat = "auto";

    /// <summary>The format read: parquet or arrow.</summary>
    public string Format { get; }

    private static string ResolveFormat(IStorage folder, ShardIndex index, string shardFormat)
    {
        var hasArrow = index.FilesIn(ShardFormats.Arrow) is not null;
        var hasParquet = index.FilesIn(ShardFormats.Parquet) is not null;
        return shardFormat switch
        {
            AutoFormat => hasArrow ? ShardFormats.Arrow : ShardFormats.Parquet,
            ShardFormats.Arrow when hasArrow => ShardFormats.Arrow,
            ShardFormats.Parquet when hasParquet => ShardFormats.Parquet,
            ShardFormats.Arrow or ShardFormats.Parquet => throw new DataForge.Core.DataForgeException($"{folder.Uri} has no {shardFormat} shard files (its index.json says shard_format {index.ShardFormat}; pack it with --format {shardFormat} or both)"),
            _ => throw new ArgumentException($"shard format must be auto, parquet or arrow, not '{shardFormat}'", nameof(shardFormat)),
        };
    }

    /// <summary>The split the held-out loss comes from, or null when it is the last rows of the training files.</summary>
    public string? DevSplit { get; }

    public long TrainRows => _files.Sum(file => file.Rows) - (_dev is null ? EvalRows : 0);

    public int EvalRows => _evalRows;

    /// <summary>Rows of the training files, held-out rows included: what a distributed run splits among its ranks.</summary>
    public long TrainingFileRows => _files.Sum(file => file.Rows);

    public static async Task<ShardRows> OpenAsync(IStorage folder, long seed, int evalRows, CancellationToken cancellationToken, int shuffleBufferRows = DefaultShuffleBuffer, TimeSpan? readTimeout = null, string shardFormat = AutoFormat)
    {
        var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
        return new ShardRows(folder, index, seed, evalRows, shuffleBufferRows, readTimeout, shardFormat);
    }

    /// <summary>The training rows of one epoch, in its seeded order.</summary>
    public async IAsyncEnumerable<NumberedRow> EpochAsync(int epoch, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _rowGroups ??= await RowGroupCountsAsync(cancellationToken);
        var units = Enumerable.Range(0, _files.Count).SelectMany(file => Enumerable.Range(0, _rowGroups[file]).Select(group => (File: file, Group: group))).ToArray();
        var random = new Random(unchecked((int)(seed * 1_000_003) + epoch));
        random.Shuffle(units);
        var buffer = new List<NumberedRow>(shuffleBufferRows + 1);
        foreach (var (file, group) in units)
        {
            var fileStart = _files.Take(file).Sum(f => f.Rows);
            var (rows, firstRow) = await GroupAsync(file, group, cancellationToken);
            Check(_files[file], rows);
            for (var i = 0; i < rows.Count; i++)
            {
                var rowInFile = firstRow + i;
                if (IsEval(file, rowInFile))
                {
                    continue;
                }

                buffer.Add(new NumberedRow(rows[i], fileStart + rowInFile));
                if (buffer.Count > shuffleBufferRows)
                {
                    yield return TakeAt(buffer, random.Next(buffer.Count));
                }
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer));
        foreach (var row in buffer)
        {
            yield return row;
        }
    }

    /// <summary>Removes and returns buffer[at] in O(1) (the last element takes its place).</summary>
    private static NumberedRow TakeAt(List<NumberedRow> buffer, int at)
    {
        var taken = buffer[at];
        buffer[at] = buffer[^1];
        buffer.RemoveAt(buffer.Count - 1);
        return taken;
    }

    private async Task<int[]> RowGroupCountsAsync(CancellationToken cancellationToken)
    {
        var counts = new int[_files.Count];
        for (var file = 0; file < counts.Length; file++)
        {
            // Once per run, before any row is read: a file that is not the one the index describes never reaches the
            // Parquet reader (which can hang on a corrupt footer).
            await ShardReader.EnsureMatchesIndexAsync(folder, _files[file], cancellationToken);
            counts[file] = await ReadingAsync(_files[file], async () =>
            {
                await using var reader = await ShardFileReader.OpenAsync(folder, _files[file].Name, cancellationToken);
                return reader.GroupCount;
            });
        }

        return counts;
    }

    /// <summary>One row group's rows and the number (in its file) of its first row.</summary>
    private Task<(IList<ShardRow> Rows, long FirstRow)> GroupAsync(int file, int group, CancellationToken cancellationToken) =>
        ReadingAsync(_files[file], () => ReadGroupAsync(file, group, cancellationToken));

    private long _readTicks;

    /// <summary>Time spent opening shard files and reading row groups for training so far (the loader's data-loading cost).</summary>
    public TimeSpan ReadTime => TimeSpan.FromTicks(Interlocked.Read(ref _readTicks));

    private async Task<(IList<ShardRow> Rows, long FirstRow)> ReadGroupAsync(int file, int group, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await ReadGroupUntimedAsync(file, group, cancellationToken);
        }
        finally
        {
            Interlocked.Add(ref _readTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    private async Task<(IList<ShardRow> Rows, long FirstRow)> ReadGroupUntimedAsync(int file, int group, CancellationToken cancellationToken)
    {
        await using var reader = await ShardFileReader.OpenAsync(folder, _files[file].Name, cancellationToken);
        long firstRow = 0;
        for (var g = 0; g < group; g++)
        {
            firstRow += reader.GroupRows(g);
        }

        return (await reader.ReadGroupAsync(group, null, cancellationToken), firstRow);
    }

    /// <summary>The held-out rows, in file order.</summary>
    public async Task<IReadOnlyList<ShardRow>> EvalAsync(CancellationToken cancellationToken)
    {
        var rows = new List<ShardRow>();
        if (EvalRows == 0)
        {
            return rows;
        }

        if (_dev is not null)
        {
            foreach (var file in _dev)
            {
                await ShardReader.EnsureMatchesIndexAsync(folder, file, cancellationToken);
                foreach (var group in await ReadingAsync(file, () => GroupsAsync(file, cancellationToken).ToListAsync(cancellationToken).AsTask()))
                {
                    Check(file, group);
                    rows.AddRange(group.Take(EvalRows - rows.Count));
                    if (rows.Count == EvalRows)
                    {
                        return rows;
                    }
                }
            }

            return rows;
        }

        var last = _files.Count - 1;
        var rowInFile = 0L;
        foreach (var group in await ReadingAsync(_files[last], () => GroupsAsync(_files[last], cancellationToken).ToListAsync(cancellationToken).AsTask()))
        {
            Check(_files[last], group);
            rows.AddRange(group.Where((_, i) => IsEval(last, rowInFile + i)));
            rowInFile += group.Count;
        }

        return rows;
    }

    /// <summary>
    /// Shards may come from elsewhere: a file the Parquet reader cannot read, or rows the model cannot take (see
    /// <see cref="ShardRow.Problem"/>), stop training with the file's name instead of an exception deep in a batch.
    /// </summary>
    private Task<T> ReadingAsync<T>(ShardFile file, Func<Task<T>> read) => ShardReader.ReadGuardedAsync(folder, file.Name, read, _readTimeout);

    private void Check(ShardFile file, IList<ShardRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.Problem(index.SeqLen, index.Tokenizer.VocabSize) is { } problem)
            {
                throw new DataForge.Core.DataForgeException($"{StoragePaths.Join(folder.Uri, file.Name)}: a row cannot be trained on: {problem}");
            }
        }
    }

    private bool IsEval(int file, long row) => _dev is null && file == _files.Count - 1 && row >= _files[file].Rows - EvalRows;

    private async IAsyncEnumerable<IList<ShardRow>> GroupsAsync(ShardFile file, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await ShardFileReader.OpenAsync(folder, file.Name, cancellationToken);
        for (var group = 0; group < reader.GroupCount; group++)
        {
            yield return await reader.ReadGroupAsync(group, null, cancellationToken);
        }
    }
}
