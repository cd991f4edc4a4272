using DataForge.Packing.Layout;

namespace DataForge.Packing.Shards;

/// <summary>
/// How shard files are encoded: rows per Parquet row group and the page compression. zstd at its fastest level is the
/// default by measurement (pack of 47 MB on 2 cores, bench/README.md): shards 17.3 MB against snappy's 111.4 MB and none's
/// 342 MB, at the same speed (none was slower: three times the bytes to write and hash); zstd's default level took 10x the
/// time for 12.7 MB. pyarrow, DuckDB and Parquet.Net read all three (written by ParquetFiles/ShardParquetWriter, the codec by ParquetFiles/PageCodec).
/// </summary>
/// <param name="Format">parquet, arrow or both (<see cref="ShardFormats"/>): which files each shard is written as.</param>
public sealed record ShardEncoding(int RowGroupSize, string Compression, string Format = ShardFormats.Parquet)
{
    public static ShardEncoding Of(PackOptions options) => new(options.RowGroupSize, options.ParquetCompression, options.Format);
}
