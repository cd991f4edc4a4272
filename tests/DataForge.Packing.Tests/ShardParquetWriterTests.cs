using System.Globalization;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;
using DataForge.Testing;
using DuckDB.NET.Data;
using Parquet.Serialization;

namespace DataForge.Packing.Tests;

/// <summary>
/// The shard writer's own Parquet encoding read back by two readers it shares no code with: Parquet.Net's object
/// reader and DuckDB. Rows with empty string lists and empty int lists, non-ASCII and non-BMP strings (statistics order
/// strings by UTF-8 bytes), several row groups, and each codec; DuckDB's parquet_metadata gives the codec and the
/// min/max statistics, checked against the values themselves.
/// </summary>
public sealed class ShardParquetWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<ShardRow> Rows(int count)
    {
        var random = new Random(11);
        var rows = new List<ShardRow>();
        string[] names = ["doc", "文書", "𝒟oc", "émile", "z"];
        for (var r = 0; r < count; r++)
        {
            int[] Ints(int length, int low, int high) => [.. Enumerable.Range(0, length).Select(_ => random.Next(low, high))];
            var length = r % 7 == 3 ? 0 : random.Next(1, 40);
            rows.Add(new ShardRow
            {
                InputIds = Ints(length, 0, 200_000),
                Labels = Ints(length, -100, 5),
                Modality = Ints(length, 0, 3),
                PositionIds = Ints(length, 0, 40),
                RopeT = Ints(length, int.MinValue, int.MaxValue),
                RopeH = Ints(length, 0, 9),
                RopeW = Ints(length, 0, 9),
                CuSeqlens = [0, .. Ints(r % 3, 0, 40)],
                DocIds = [.. Enumerable.Range(0, r % 4).Select(i => $"{names[(r + i) % names.Length]}#{i}")],
                Media = r % 3 == 0 ? [] : [new string((char)('a' + (r % 26)), 64)],
            });
        }

        return rows;
    }

    [Theory]
    [InlineData("zstd", "ZSTD")]
    [InlineData("snappy", "SNAPPY")]
    [InlineData("none", "UNCOMPRESSED")]
    public async Task Parquet_Net_and_DuckDB_read_back_every_value_with_the_codec_and_statistics(string compression, string codecName)
    {
        var rows = Rows(45);
        var folder = new LocalStorage(_temp.Combine(compression));
        await using (var writer = new ShardWriter<ShardRow>(folder, "shard-", 1000, new ShardEncoding(16, compression), ShardRowColumns.Instance, 1, 16))
        {
            foreach (var row in rows)
            {
                await writer.WriteAsync(row, CancellationToken.None);
            }

            await writer.CompleteAsync();
        }

        var path = _temp.Combine(compression, "shard-00000.parquet");
        await using (var stream = File.OpenRead(path))
        {
            var read = (await ParquetSerializer.DeserializeAsync<ShardRow>(stream)).Data;
            Assert.Equal(rows.Count, read.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                Assert.Equal(Describe(rows[r]), Describe(read[r]));
            }
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var duck = Query(connection, $"SELECT input_ids, labels, modality, position_ids, rope_t, rope_h, rope_w, cu_seqlens, doc_ids, media FROM read_parquet('{path}', file_row_number = true) ORDER BY file_row_number");
        Assert.Equal(rows.Select(Describe), duck);
        Assert.Equal(["3"], Query(connection, $"SELECT count(*) FROM parquet_metadata('{path}') WHERE path_in_schema = 'input_ids, list, element'"));
        var metadata = Query(connection, $"SELECT DISTINCT compression FROM parquet_metadata('{path}')");
        Assert.Equal([codecName], metadata);

        // Statistics of the first row group (16 rows) equal the values' own min and max.
        var group = rows.Take(16).ToList();
        var ropeT = group.SelectMany(row => row.RopeT).ToList();
        var docIds = group.SelectMany(row => row.DocIds).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [$"{ropeT.Min()}|{ropeT.Max()}|{group.Count(row => row.RopeT.Length == 0)}"],
            Query(connection, $"SELECT stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('{path}') WHERE row_group_id = 0 AND path_in_schema = 'rope_t, list, element'"));
        var utf8Order = docIds.OrderBy(id => id, Comparer<string>.Create((a, b) => System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b)))).ToList();
        Assert.Equal(
            [$"{utf8Order[0]}|{utf8Order[^1]}|{group.Count(row => row.DocIds.Length == 0)}"],
            Query(connection, $"SELECT stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('{path}') WHERE row_group_id = 0 AND path_in_schema = 'doc_ids, list, element'"));
    }

    private static string Describe(ShardRow row) => string.Join(
        "|",
        new[] { row.InputIds, row.Labels, row.Modality, row.PositionIds, row.RopeT, row.RopeH, row.RopeW, row.CuSeqlens }.Select(values => $"[{string.Join(", ", values)}]")
            .Concat(new[] { row.DocIds, row.Media }.Select(values => $"[{string.Join(", ", values)}]")));

    private static List<string> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Format(reader.GetValue(i)))));
        }

        return rows;
    }

    private static string Format(object value) => value switch
    {
        System.Collections.IEnumerable list and not string => $"[{string.Join(", ", list.Cast<object?>().Select(item => Convert.ToString(item, CultureInfo.InvariantCulture)))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
