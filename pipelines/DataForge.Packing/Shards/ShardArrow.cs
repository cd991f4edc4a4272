using Apache.Arrow;
using Apache.Arrow.Types;

namespace DataForge.Packing.Shards;

/// <summary>
/// Shard rows as Arrow record batches (Arrow columnar format, arrow.apache.org/docs/format/Columnar.html): the columns
/// of the Parquet shards with the types pyarrow reads them as, <c>list&lt;element: int32 not null&gt;</c> for the int
/// lists and <c>list&lt;element: string&gt;</c> for doc_ids and media, so <c>pyarrow.ipc.open_file(f).read_all()</c> equals
/// <c>pyarrow.parquet.read_table</c> of the Parquet twin. A list column is an offsets buffer (rows + 1 int32) over one
/// values buffer: a row's input_ids are values[offsets[r] .. offsets[r + 1]], which is what makes the file mappable.
/// </summary>
public static class ShardArrow
{
    public static readonly Schema Schema = BuildSchema();

    private static Schema BuildSchema()
    {
        var builder = new Schema.Builder();
        foreach (var name in ShardSchema.IntColumns)
        {
            builder.Field(new Field(name, new ListType(new Field("element", Int32Type.Default, nullable: false)), nullable: true));
        }

        foreach (var name in ShardSchema.StringColumns)
        {
            builder.Field(new Field(name, new ListType(new Field("element", StringType.Default, nullable: true)), nullable: true));
        }

        return builder.Build();
    }

    /// <summary>An int list column from its values and the start of each row's list (rows + 1 offsets).</summary>
    public static ListArray IntColumn(int column, ReadOnlySpan<int> values, ReadOnlySpan<int> offsets)
    {
        var listType = (ListType)Schema.FieldsList[column].DataType;
        var valueArray = new Int32Array(new ArrowBuffer.Builder<int>(values.Length).Append(values).Build(), ArrowBuffer.Empty, values.Length, 0, 0);
        return new ListArray(listType, offsets.Length - 1, new ArrowBuffer.Builder<int>(offsets.Length).Append(offsets).Build(), valueArray, ArrowBuffer.Empty, 0, 0);
    }

    public static ListArray StringColumn(int column, IReadOnlyList<string[]> rows)
    {
        var listType = (ListType)Schema.FieldsList[ShardSchema.IntColumns.Length + column].DataType;
        var offsets = new ArrowBuffer.Builder<int>(rows.Count + 1).Append(0);
        var strings = new StringArray.Builder();
        var count = 0;
        foreach (var row in rows)
        {
            foreach (var value in row)
            {
                strings.Append(value);
            }

            count += row.Length;
            offsets.Append(count);
        }

        var values = strings.Build();
        return new ListArray(listType, rows.Count, offsets.Build(), values, ArrowBuffer.Empty, 0, 0);
    }
}
