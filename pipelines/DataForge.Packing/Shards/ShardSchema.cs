namespace DataForge.Packing.Shards;

/// <summary>
/// The columns of shard files (schemas/packed-shards.md), in file order: eight lists of int32 and two of strings
/// (ParquetFiles/ShardParquetWriter writes them as optional lists of required int32 and of optional UTF-8 strings).
/// </summary>
internal static class ShardSchema
{
    public static readonly string[] IntColumns = ["input_ids", "labels", "modality", "position_ids", "rope_t", "rope_h", "rope_w", "cu_seqlens"];

    public static readonly string[] StringColumns = ["doc_ids", "media"];

    public static int[] IntColumn(ShardRow row, int column) => column switch
    {
        0 => row.InputIds,
        1 => row.Labels,
        2 => row.Modality,
        3 => row.PositionIds,
        4 => row.RopeT,
        5 => row.RopeH,
        6 => row.RopeW,
        7 => row.CuSeqlens,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Sets int column <paramref name="column"/> (an index into <see cref="IntColumns"/>) of a row being read.</summary>
    public static void SetIntColumn(ShardRow row, int column, int[] values)
    {
        switch (column)
        {
            case 0:
                row.InputIds = values;
                break;
            case 1:
                row.Labels = values;
                break;
            case 2:
                row.Modality = values;
                break;
            case 3:
                row.PositionIds = values;
                break;
            case 4:
                row.RopeT = values;
                break;
            case 5:
                row.RopeH = values;
                break;
            case 6:
                row.RopeW = values;
                break;
            case 7:
                row.CuSeqlens = values;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(column));
        }
    }

    public static string[] StringColumn(ShardRow row, int column) => column switch
    {
        0 => row.DocIds,
        1 => row.Media,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}
