using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace DataForge.Packing.Shards;

/// <summary>
/// Reads a row group of a shard file column by column with Parquet.Net's raw reader (values plus Dremel repetition
/// and definition levels), the mirror of <see cref="ShardFileEncoder"/>. ParquetSerializer's object reader took about 6 s
/// for one 128-row group of L = 4096 (22 rows/s, measured by bench/mix.sh); this reads the same rows in milliseconds.
/// A file of another layout (lists of nullable elements, as pyarrow may write) goes through ParquetSerializer.
/// </summary>
public static class ShardRowGroups
{
    /// <summary>The columns to read: all, or the few a pass needs (<c>cu_seqlens</c>, <c>doc_ids</c>); the others stay empty.</summary>
    public static async Task<IList<ShardRow>> ReadAsync(ParquetReader reader, Stream stream, int group, IReadOnlySet<string>? columns, CancellationToken cancellationToken)
    {
        var fields = reader.Schema.GetDataFields().ToDictionary(field => field.Path.FirstPart ?? field.Name, StringComparer.Ordinal);
        if (!IsOwnLayout(fields))
        {
            stream.Position = 0;
            return (await ParquetSerializer.DeserializeAsync<ShardRow>(stream, rowGroupIndex: group, cancellationToken: cancellationToken)).Data;
        }

        using var rowGroup = reader.OpenRowGroupReader(group);
        var rows = new ShardRow[rowGroup.RowCount];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new ShardRow();
        }

        for (var column = 0; column < ShardSchema.IntColumns.Length; column++)
        {
            var name = ShardSchema.IntColumns[column];
            if (columns is not null && !columns.Contains(name))
            {
                continue;
            }

            var field = fields[name];
            var count = Levels(rowGroup, field);
            var values = new int[count];
            var definition = new int[count];
            var repetition = new int[count];
            await rowGroup.ReadRawAsync<int>(field, values, definition, repetition, cancellationToken);
            var lists = Split<int>(values, repetition, definition, rows.Length, field.MaxDefinitionLevel);
            for (var r = 0; r < rows.Length; r++)
            {
                ShardSchema.SetIntColumn(rows[r], column, lists[r]);
            }
        }

        foreach (var name in ShardSchema.StringColumns)
        {
            if (columns is not null && !columns.Contains(name))
            {
                continue;
            }

            var field = fields[name];
            var count = Levels(rowGroup, field);
            var values = new ReadOnlyMemory<char>[count];
            var definition = new int[count];
            var repetition = new int[count];
            await rowGroup.ReadRawAsync<ReadOnlyMemory<char>>(field, values, definition, repetition, cancellationToken);
            var lists = Split<ReadOnlyMemory<char>>(values, repetition, definition, rows.Length, field.MaxDefinitionLevel);
            for (var r = 0; r < rows.Length; r++)
            {
                var strings = Array.ConvertAll(lists[r], text => text.ToString());
                if (name == "doc_ids")
                {
                    rows[r].DocIds = strings;
                }
                else
                {
                    rows[r].Media = strings;
                }
            }
        }

        return rows;
    }

    /// <summary>Definition and repetition levels in the column chunk: its value count, empty lists included.</summary>
    private static int Levels(ParquetRowGroupReader rowGroup, DataField field) =>
        checked((int)(rowGroup.GetMetadata(field)?.MetaData?.NumValues ?? throw new InvalidDataException($"column {field.Path} has no metadata")));

    /// <summary>ShardWriter's layout: every column an optional list of required values (strings: optional), repetition 1.</summary>
    private static bool IsOwnLayout(Dictionary<string, DataField> fields) =>
        ShardSchema.IntColumns.All(name => fields.TryGetValue(name, out var field) && field.ClrType == typeof(int) && field.MaxRepetitionLevel == 1 && field.MaxDefinitionLevel == 2)
        && ShardSchema.StringColumns.All(name => fields.TryGetValue(name, out var field) && (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>)) && field.MaxRepetitionLevel == 1 && field.MaxDefinitionLevel == 3);

    /// <summary>
    /// Dremel levels back into one list per row: a repetition level of 0 starts a row; an entry whose definition level
    /// is below the leaf's maximum is an empty (or null) list and holds no value.
    /// </summary>
    private static T[][] Split<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> repetition, ReadOnlySpan<int> definition, int rows, int maxDefinition)
    {
        var lists = new T[rows][];
        var row = -1;
        var start = 0;
        var value = 0;
        for (var level = 0; level < repetition.Length; level++)
        {
            if (repetition[level] == 0)
            {
                if (row >= 0)
                {
                    lists[row] = values[start..value].ToArray();
                }

                row++;
                start = value;
                if (row >= rows)
                {
                    throw new InvalidDataException($"a column holds more than the row group's {rows} rows");
                }
            }

            if (definition[level] == maxDefinition)
            {
                value++;
            }
        }

        if (row >= 0)
        {
            lists[row] = values[start..value].ToArray();
        }

        if (row != rows - 1)
        {
            throw new InvalidDataException($"a column holds {row + 1} rows, the row group {rows}");
        }

        return lists;
    }
}
