using ZstdSharp;

namespace DataForge.Packing.Shards.ParquetFiles;

/// <summary>
/// Compresses data pages for one file writer: zstd at level 1 (what Parquet.Net's "Fastest" gives, the level chosen by
/// measurement, bench/README.md) with one compression context reused for every page (a fresh context per page was a
/// measurable share of encoding), raw Snappy blocks, or none. Parquet codec ids from parquet.thrift's CompressionCodec.
/// </summary>
internal sealed class PageCodec : IDisposable
{
    private readonly Compressor? _zstd;

    public PageCodec(string compression)
    {
        Name = compression;
        (CodecId, _zstd) = compression switch
        {
            "zstd" => (6, new Compressor(1)),
            "snappy" => (1, null),
            "none" => (0, (Compressor?)null),
            _ => throw new ArgumentException($"unknown Parquet compression '{compression}'"),
        };
    }

    public string Name { get; }

    /// <summary>parquet.thrift CompressionCodec: UNCOMPRESSED 0, SNAPPY 1, ZSTD 6.</summary>
    public int CodecId { get; }

    public int MaxCompressedLength(int length) => CodecId switch
    {
        6 => Compressor.GetCompressBound(length),
        1 => Snappier.Snappy.GetMaxCompressedLength(length),
        _ => length,
    };

    /// <returns>the bytes written to <paramref name="destination"/></returns>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        switch (CodecId)
        {
            case 6:
                return _zstd!.Wrap(source, destination);
            case 1:
                return Snappier.Snappy.Compress(source, destination);
            default:
                source.CopyTo(destination);
                return source.Length;
        }
    }

    public void Dispose() => _zstd?.Dispose();
}
