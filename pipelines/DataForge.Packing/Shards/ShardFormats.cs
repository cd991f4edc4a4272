namespace DataForge.Packing.Shards;

/// <summary>
/// The file formats a shard set is written in (pack's <c>format</c>, index.json's <c>shard_format</c>): Parquet (compressed, for any reader), Arrow
/// IPC files (uncompressed, memory-mapped by the trainer: no decoding on the training path), or both side by side.
/// </summary>
public static class ShardFormats
{
    public const string Parquet = "parquet";
    public const string Arrow = "arrow";
    public const string Both = "both";

    public static readonly string[] All = [Parquet, Arrow, Both];

    public static bool IsArrow(string fileName) => fileName.EndsWith(".arrow", StringComparison.Ordinal);

    public static bool WritesParquet(string format) => format is Parquet or Both;

    public static bool WritesArrow(string format) => format is Arrow or Both;
}
