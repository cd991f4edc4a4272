using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Testing;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Packing.Tests;

/// <summary>The raw column reader of shard row groups gives what Parquet.Net's own object reader gives.</summary>
public sealed class ShardRowGroupsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ShardRow Row(Random random, int length)
    {
        var documents = random.Next(0, 4);
        var cu = new List<int> { 0 };
        for (var d = 0; d < documents; d++)
        {
            cu.Add(Math.Min(length, cu[^1] + random.Next(1, length / 3)));
        }

        int[] Column() => [.. Enumerable.Range(0, length).Select(_ => random.Next(-100, 50_000))];
        return new ShardRow
        {
            InputIds = Column(),
            Labels = Column(),
            Modality = Column(),
            PositionIds = Column(),
            RopeT = Column(),
            RopeH = Column(),
            RopeW = Column(),
            CuSeqlens = [.. cu.Distinct()],
            DocIds = [.. Enumerable.Range(0, cu.Distinct().Count() - 1).Select(d => $"doc-{random.Next()}#{d}")],
            Media = random.Next(3) == 0 ? [] : [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())))],
        };
    }

    [Fact]
    public async Task Rows_read_column_by_column_equal_the_object_readers_including_empty_lists()
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 300).Select(_ => Row(random, 96)).ToList();
        var folder = new LocalStorage(_temp.Path);
        await using (var writer = new ShardWriter<ShardRow>(folder, "shard-", 1000, new ShardEncoding(64, "snappy"), ShardRowColumns.Instance))
        {
            foreach (var row in rows)
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }

            await writer.CompleteAsync();
        }

        await using var stream = File.OpenRead(_temp.Combine("shard-00000.parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
        var read = new List<ShardRow>();
        var sizes = new List<ShardRow>();
        var expected = new List<ShardRow>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            read.AddRange(await ShardRowGroups.ReadAsync(reader, stream, group, null, CancellationToken.None));
            sizes.AddRange(await ShardRowGroups.ReadAsync(reader, stream, group, new HashSet<string> { "cu_seqlens", "doc_ids" }, CancellationToken.None));
            stream.Position = 0;
            expected.AddRange((await ParquetSerializer.DeserializeAsync<ShardRow>(stream, rowGroupIndex: group)).Data);
        }

        Assert.Equal(5, reader.RowGroupCount);
        Assert.Equal(rows.Count, read.Count);
        static string Text(ShardRow row) => System.Text.Json.JsonSerializer.Serialize(row);
        Assert.Equal(expected.Select(Text), read.Select(Text));
        Assert.Equal(rows.Select(Text), read.Select(Text));
        Assert.Equal(rows.Select(row => string.Join(',', row.CuSeqlens) + "|" + string.Join(',', row.DocIds)), sizes.Select(row => string.Join(',', row.CuSeqlens) + "|" + string.Join(',', row.DocIds)));
        Assert.All(sizes, row => Assert.Empty(row.InputIds));
    }
}
