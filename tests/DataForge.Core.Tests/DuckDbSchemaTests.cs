using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;
using DuckDB.NET.Data;

namespace DataForge.Core.Tests;

/// <summary>An independent reader (DuckDB) sees exactly the schema that schemas/sample-set.md documents.</summary>
public sealed class DuckDbSchemaTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static readonly IReadOnlyList<(string Column, string Type)> DocumentedSchema =
    [
        ("id", "VARCHAR"),
        ("source", "VARCHAR"),
        ("parts", "STRUCT(kind VARCHAR, \"role\" VARCHAR, \"text\" VARCHAR, media VARCHAR, mime VARCHAR, width INTEGER, height INTEGER, duration DOUBLE, sample_rate INTEGER, \"start\" DOUBLE, fps DOUBLE, frame_times DOUBLE[], frames VARCHAR[])[]"),
        ("meta", "VARCHAR"),
        ("split", "VARCHAR"),
    ];

    [Fact]
    public async Task DuckDB_reads_the_documented_schema_and_values()
    {
        var storage = new LocalStorage(_temp.Path);
        await using (var writer = await SampleSetWriter.CreateAsync(storage, "part-00000.parquet"))
        {
            await writer.WriteAsync(new Sample(
                "s1",
                "src",
                [new ImagePart(new MediaRef(new string('c', 64), "image/jpeg"), 320, 200, Role.Content), new TextPart("a caption", Role.Target)],
                """{"caption_kind":"sidecar"}""",
                "train"));
            await writer.WriteAsync(new Sample("s2", "src2", [new AudioPart(new MediaRef(new string('d', 64), "audio/wav"), 1.25, 16000, Role.Content)]));
            await writer.CompleteAsync();
        }

        var file = _temp.Combine("part-00000.parquet");
        Assert.Equal(DocumentedSchema, DescribeParquet(file));

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, p.kind, p.role, p.text, p.width, p.height, p.duration, p.sample_rate, json_extract_string(meta, '$.caption_kind'), split
            FROM (SELECT id, unnest(parts) AS p, meta, split FROM '{file}') ORDER BY id, p.kind
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.Equal(
            [
                "s1|image|content|null|320|200|null|null|sidecar|train",
                "s1|text|target|a caption|null|null|null|null|sidecar|train",
                "s2|audio|content|null|null|null|1.25|16000|null|null",
            ],
            rows);
    }

    public static List<(string Column, string Type)> DescribeParquet(string file)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM '{file}'";
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }
}
