using DataForge.Packing.Packing;

namespace DataForge.Packing.Shards;

/// <summary>
/// A packed row as its L-long columns in one <see cref="ShardRow"/> (the mixer's rows, tests), laid out by
/// <see cref="PackedRowColumns"/>, the layout pack's shard writer uses: padding at the end (label -100, modality 255).
/// </summary>
public static class RowAssembler
{
    public const int IgnoreIndex = -100;

    public static ShardRow Assemble(PackedRow row, int seqLen, int padId)
    {
        var columns = new PackedRowColumns(seqLen, padId);
        var assembled = new ShardRow { DocIds = columns.Strings(row, 0), Media = columns.Strings(row, 1) };
        for (var column = 0; column < ShardSchema.IntColumns.Length; column++)
        {
            var values = new int[columns.IntLength(row, column)];
            columns.CopyInts(row, column, values);
            ShardSchema.SetIntColumn(assembled, column, values);
        }

        return assembled;
    }
}
