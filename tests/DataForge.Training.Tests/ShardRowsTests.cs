using DataForge.Core.Storage;
using DataForge.Testing;
using DataForge.Training.Data;

namespace DataForge.Training.Tests;

public sealed class ShardRowsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<List<long>> EpochAsync(ShardRows rows, int epoch)
    {
        var ids = new List<long>();
        await foreach (var row in rows.EpochAsync(epoch))
        {
            ids.Add(row.Id);
        }

        return ids;
    }

    [Fact]
    public async Task An_epoch_visits_every_training_row_once_mixing_row_groups_deterministically()
    {
        // 200 rows in row groups of 20, as a corpus packed in domain order would be: rows 0-19 one domain, 20-39 the next...
        var folder = await SyntheticShards.WriteAsync(_temp.Combine("shards"), 200, rowGroupSize: 20);
        var rows = await ShardRows.OpenAsync(new LocalStorage(folder), seed: 3, evalRows: 5, CancellationToken.None, shuffleBufferRows: 64);

        var first = await EpochAsync(rows, 0);
        var again = await EpochAsync(rows, 0);
        var second = await EpochAsync(rows, 1);

        Assert.Equal(Enumerable.Range(0, 195).Select(i => (long)i), first.Order());
        Assert.Equal(first, again);
        Assert.NotEqual(first, second);
        Assert.Equal(first.Order(), second.Order());
        // Batches of 8 draw from several row groups, not one.
        var groupsPerBatch = first.Chunk(8).Select(batch => batch.Select(id => id / 20).Distinct().Count()).ToList();
        Assert.True(groupsPerBatch.Average() > 3, $"row groups per batch: {groupsPerBatch.Average():0.0}");
    }

    [Fact]
    public async Task Without_a_buffer_rows_come_row_group_by_row_group()
    {
        var folder = await SyntheticShards.WriteAsync(_temp.Combine("shards"), 60, rowGroupSize: 20);
        var rows = await ShardRows.OpenAsync(new LocalStorage(folder), seed: 3, evalRows: 0, CancellationToken.None, shuffleBufferRows: 0);

        var order = await EpochAsync(rows, 0);

        Assert.Equal(60, order.Distinct().Count());
        Assert.All(order.Chunk(20), group => Assert.Single(group.Select(id => id / 20).Distinct()));
    }
}
