using DataForge.Core.Storage;
using DataForge.Packing.Packing;
using DataForge.Packing.Shards;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// Shard files encoded several at once are the bytes one encoder writes; packed rows written column by column are the
/// bytes of the same rows assembled first; a writer disposed mid-file publishes no short file and leaves no temporary.
/// </summary>
public sealed class ShardWriterTests : IDisposable
{
    private const int SeqLen = 64;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<PackedRow> Rows(int count) => PackedRowSamples.Rows(count, 5, SeqLen, 30);

    private async Task<Dictionary<string, byte[]>> WriteAsync<TRow>(string name, IEnumerable<TRow> rows, IShardColumns<TRow> columns, int parallelFiles, int pendingRows)
    {
        var folder = new LocalStorage(_temp.Combine(name));
        await using (var writer = new ShardWriter<TRow>(folder, "shard-", 100, new ShardEncoding(16, "zstd"), columns, parallelFiles, pendingRows))
        {
            foreach (var row in rows)
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }

            var (files, stats) = await writer.CompleteAsync();
            Assert.Equal(["shard-00000.parquet", "shard-00001.parquet", "shard-00002.parquet", "shard-00003.parquet"], files.Select(file => file.Name));
            Assert.Equal(350, stats.Rows);
            Assert.Equal(files.Sum(file => file.RealTokens), stats.RealTokens);
        }

        return Directory.GetFiles(_temp.Combine(name)).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);
    }

    [Fact]
    public async Task Files_encoded_at_once_and_packed_rows_written_as_columns_are_the_bytes_of_assembled_rows_one_file_at_a_time()
    {
        var rows = Rows(350);
        var assembled = await WriteAsync("assembled", rows.Select(row => RowAssembler.Assemble(row, SeqLen, 7)), ShardRowColumns.Instance, 1, 32);
        var columns = new PackedRowColumns(SeqLen, 7);
        var serial = await WriteAsync("serial", rows, columns, 1, 32);
        var parallel = await WriteAsync("parallel", rows, columns, 4, 100);
        Assert.Equal(4, assembled.Count);
        foreach (var (name, bytes) in assembled)
        {
            Assert.Equal(bytes, serial[name]);
            Assert.Equal(bytes, parallel[name]);
        }

        var stats = new ShardStats();
        foreach (var row in rows)
        {
            stats.Add(RowAssembler.Assemble(row, SeqLen, 7));
        }

        var counted = new ShardStats();
        rows.ForEach(row => columns.Count(row, counted));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(stats), System.Text.Json.JsonSerializer.Serialize(counted));
    }

    [Fact]
    public async Task A_writer_disposed_mid_file_publishes_no_short_file_and_leaves_no_temporary()
    {
        var folder = new LocalStorage(_temp.Combine("stopped"));
        await using (var writer = new ShardWriter<PackedRow>(folder, "shard-", 100, new ShardEncoding(16, "zstd"), new PackedRowColumns(SeqLen, 7), 3, 100))
        {
            foreach (var row in Rows(250))
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }
        }

        // Full files may have been published before the encoders were stopped; the open third file never is, nor any temporary.
        var left = Directory.Exists(_temp.Combine("stopped")) ? Directory.GetFiles(_temp.Combine("stopped"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList() : [];
        Assert.All(left, name => Assert.Contains(name, new[] { "shard-00000.parquet", "shard-00001.parquet" }));
    }
}
