using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Training.Data;

/// <summary>Where the trainer is in its data: the epoch and how many of its training rows it has consumed.</summary>
public sealed record DataPosition(int Epoch, long Rows);

/// <summary>A row and its number in the shard set (files in index.json order, rows in file order, from 0).</summary>
public sealed record NumberedRow(ShardRow Row, long Id);

/// <summary>
/// The training and held-out rows of a packed shard set, streamed row group by row group. Each epoch visits the
/// files in a seeded order and each row group's rows in a seeded order, so the sequence depends only on the seed
/// and the epoch (a resumed run replays it to its position). The last <c>evalRows</c> rows of the last file are
/// held out for evaluation and never trained on.
/// </summary>
public sealed class ShardRows(IStorage folder, ShardIndex index, long seed, int evalRows)
{
    public ShardIndex Index => index;

    public long TrainRows => index.Files.Sum(file => (long)file.Rows) - EvalRows;

    public int EvalRows => (int)Math.Min(evalRows, Math.Max(0, index.Files.Sum(file => (long)file.Rows) - 1));

    public static async Task<ShardRows> OpenAsync(IStorage folder, long seed, int evalRows, CancellationToken cancellationToken)
    {
        var index = await ShardReader.ReadIndexAsync(folder, cancellationToken);
        return new ShardRows(folder, index, seed, evalRows);
    }

    /// <summary>The training rows of one epoch, in its seeded order.</summary>
    public async IAsyncEnumerable<NumberedRow> EpochAsync(int epoch, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var files = Enumerable.Range(0, index.Files.Count).ToArray();
        new Random(unchecked((int)(seed * 1_000_003) + epoch)).Shuffle(files);
        foreach (var file in files)
        {
            var rowInFile = 0L;
            var fileStart = index.Files.Take(file).Sum(f => (long)f.Rows);
            await foreach (var group in GroupsAsync(file, cancellationToken))
            {
                var first = rowInFile;
                var kept = group.Select((row, i) => new NumberedRow(row, fileStart + first + i)).Where(numbered => !IsEval(file, numbered.Id - fileStart)).ToArray();
                rowInFile += group.Count;
                new Random(unchecked((int)(seed * 7919) + (epoch * 104_729) + (file * 31) + (int)rowInFile)).Shuffle(kept);
                foreach (var row in kept)
                {
                    yield return row;
                }
            }
        }
    }

    /// <summary>The held-out rows, in file order.</summary>
    public async Task<IReadOnlyList<ShardRow>> EvalAsync(CancellationToken cancellationToken)
    {
        var rows = new List<ShardRow>();
        if (EvalRows == 0)
        {
            return rows;
        }

        var last = index.Files.Count - 1;
        var rowInFile = 0L;
        await foreach (var group in GroupsAsync(last, cancellationToken))
        {
            rows.AddRange(group.Where((_, i) => IsEval(last, rowInFile + i)));
            rowInFile += group.Count;
        }

        return rows;
    }

    private bool IsEval(int file, long row) => file == index.Files.Count - 1 && row >= index.Files[file].Rows - EvalRows;

    private async IAsyncEnumerable<IList<ShardRow>> GroupsAsync(int file, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await folder.OpenReadAsync(index.Files[file].Name, cancellationToken);
        int groups;
        await using (var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken))
        {
            groups = reader.RowGroupCount;
        }

        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeAsync<ShardRow>(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            yield return rows.Data;
        }
    }
}
