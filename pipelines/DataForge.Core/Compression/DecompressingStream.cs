using DataForge.Core.Storage;

namespace DataForge.Core.Compression;

/// <summary>The one way a stage opens a maybe-compressed input: gzip and zstd checked (truncation, bombs), else as it is.</summary>
public static class DecompressingStream
{
    public static Stream Open(Stream raw, FileCompression compression) => compression switch
    {
        FileCompression.Gzip => new VerifiedGzipStream(raw),
        FileCompression.Zstd => new VerifiedZstdStream(raw),
        _ => raw,
    };
}
