using Apache.Arrow;
using Apache.Arrow.Ipc;
using DataForge.Core.Storage;
using DataForge.Packing.Packing;
using DataForge.Packing.Shards;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// Arrow IPC shards (pack --format both): Apache.Arrow's own reader (the peer) reads each .arrow file as the rows of its
/// Parquet twin, DataForge's mapped reader reads the same rows, and damaged or foreign files are refused with a reason.
/// </summary>
public sealed class ArrowShardTests : IDisposable
{
    private const int SeqLen = 48;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<PackedRow> Rows(int count, int seed) => PackedRowSamples.Rows(count, seed, SeqLen, 20, "-ü");

    private async Task<(LocalStorage Folder, IReadOnlyList<ShardFile> Files)> WriteBothAsync(string name, int rows)
    {
        var folder = new LocalStorage(_temp.Combine(name));
        await using var writer = new ShardWriter<PackedRow>(folder, "shard-", 70, new ShardEncoding(16, "zstd", ShardFormats.Both), new PackedRowColumns(SeqLen, 9), 2, 70);
        foreach (var row in Rows(rows, 3))
        {
            await writer.WriteAsync(row, CancellationToken.None);
        }

        var (files, _) = await writer.CompleteAsync();
        return (folder, files);
    }

    private static string Text(ShardRow row) => System.Text.Json.JsonSerializer.Serialize(row);

    private static async Task<List<ShardRow>> ReadAllAsync(IStorage folder, string name)
    {
        var rows = new List<ShardRow>();
        await using var reader = await ShardFileReader.OpenAsync(folder, name, CancellationToken.None);
        for (var group = 0; group < reader.GroupCount; group++)
        {
            var read = await reader.ReadGroupAsync(group, null, CancellationToken.None);
            Assert.Equal(reader.GroupRows(group), read.Count);
            rows.AddRange(read);
        }

        return rows;
    }

    [Fact]
    public async Task Each_arrow_twin_holds_its_parquet_files_rows_as_apache_arrow_and_the_mapped_reader_read_them()
    {
        var (folder, files) = await WriteBothAsync("both", 200);
        Assert.Equal(["shard-00000.parquet", "shard-00001.parquet", "shard-00002.parquet"], files.Select(file => file.Name));
        foreach (var file in files)
        {
            var twin = Assert.IsType<ShardFileCopy>(file.Arrow);
            Assert.True(await ShardReader.MatchesIndexAsync(folder, file.In(ShardFormats.Arrow)!));
            var parquet = await ReadAllAsync(folder, file.Name);
            var arrow = await ReadAllAsync(folder, twin.Name);
            Assert.Equal(file.Rows, parquet.Count);
            Assert.Equal(parquet.Select(Text), arrow.Select(Text));

            // The peer: Apache.Arrow's reader decodes the same file into the same lists.
            await using var stream = File.OpenRead(_temp.Combine("both", twin.Name));
            using var peer = new ArrowFileReader(stream);
            var offset = 0;
            for (var batch = 0; batch < await peer.RecordBatchCountAsync(); batch++)
            {
                using var records = await peer.ReadRecordBatchAsync(batch);
                Assert.Equal(ShardArrow.Schema.FieldsList.Select(field => field.Name), records.Schema.FieldsList.Select(field => field.Name));
                var ids = (ListArray)records.Column("input_ids");
                var docs = (ListArray)records.Column("doc_ids");
                for (var r = 0; r < records.Length; r++)
                {
                    var values = ((Int32Array)ids.GetSlicedValues(r)).Values.ToArray();
                    Assert.Equal(parquet[offset + r].InputIds, values);
                    var names = (StringArray)docs.GetSlicedValues(r);
                    Assert.Equal(parquet[offset + r].DocIds, Enumerable.Range(0, names.Length).Select(k => names.GetString(k)));
                }

                offset += records.Length;
            }

            Assert.Equal(parquet.Count, offset);
        }
    }

    [Fact]
    public async Task An_arrow_only_set_names_its_arrow_files_and_reads_only_the_columns_asked_for()
    {
        var folder = new LocalStorage(_temp.Combine("arrow"));
        IReadOnlyList<ShardFile> files;
        await using (var writer = new ShardWriter<PackedRow>(folder, "shard-", 1000, new ShardEncoding(32, "zstd", ShardFormats.Arrow), new PackedRowColumns(SeqLen, 9)))
        {
            foreach (var row in Rows(50, 4))
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }

            (files, _) = await writer.CompleteAsync();
        }

        var file = Assert.Single(files);
        Assert.Equal("shard-00000.arrow", file.Name);
        Assert.Null(file.Arrow);
        Assert.Equal(["shard-00000.arrow"], Directory.GetFiles(_temp.Combine("arrow")).Select(Path.GetFileName));
        var sized = new List<(string File, ShardRow Row)>();
        await foreach (var row in ShardReader.ReadRowsAsync(folder, files, new HashSet<string> { "cu_seqlens" }, CancellationToken.None))
        {
            sized.Add(row);
        }

        Assert.Equal(50, sized.Count);
        Assert.All(sized, item => Assert.Empty(item.Row.InputIds));
        Assert.All(sized, item => Assert.Equal(0, item.Row.CuSeqlens[0]));
    }

    [Fact]
    public async Task Damaged_truncated_and_foreign_arrow_files_are_refused_with_a_reason()
    {
        var (folder, files) = await WriteBothAsync("damaged", 80);
        var path = _temp.Combine("damaged", files[0].Arrow!.Name);
        var bytes = await File.ReadAllBytesAsync(path);

        async Task<Exception?> ReadAsync(byte[] content)
        {
            await File.WriteAllBytesAsync(path, content);
            try
            {
                await ReadAllAsync(folder, files[0].Arrow!.Name);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }

        Assert.IsType<InvalidDataException>(await ReadAsync(bytes[..(bytes.Length / 2)]));
        Assert.IsType<InvalidDataException>(await ReadAsync([]));
        // Seeded byte flips: each read ends in rows or in InvalidDataException, never another exception or a hang.
        var random = new Random(17);
        for (var trial = 0; trial < 200; trial++)
        {
            var copy = (byte[])bytes.Clone();
            for (var flip = 0; flip < 1 + random.Next(8); flip++)
            {
                copy[random.Next(copy.Length)] ^= (byte)(1 + random.Next(255));
            }

            var error = await ReadAsync(copy);
            Assert.True(error is null or InvalidDataException, $"trial {trial}: {error}");
        }

        // Another writer's Arrow file with other columns: refused, naming the column.
        var foreign = new Schema.Builder().Field(new Field("text", Apache.Arrow.Types.StringType.Default, true)).Build();
        await using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, foreign))
        {
            using var batch = new RecordBatch(foreign, [new StringArray.Builder().Append("hello").Build()], 1);
            await writer.WriteRecordBatchAsync(batch);
            await writer.WriteEndAsync();
        }

        var refused = Assert.IsType<InvalidDataException>(await ReadAsync(await File.ReadAllBytesAsync(path)));
        Assert.Contains("columns", refused.Message, StringComparison.Ordinal);
    }
}
