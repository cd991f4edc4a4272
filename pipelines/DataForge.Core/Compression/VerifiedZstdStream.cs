namespace DataForge.Core.Compression;

/// <summary>
/// Decompresses Zstandard (RFC 8878) and refuses a cut or damaged file: the decoder (ZstdSharp, a port of the reference
/// libzstd) checks each frame's content checksum when the frame has one (the zstd tool writes it by default), and a
/// stream that ends inside a frame is an <see cref="InvalidDataException"/> here, never a clean end. The same bomb
/// guard as gzip: over <see cref="VerifiedGzipStream.MaxRatio"/>:1 after the first 8 MiB is refused. A zero-byte file
/// is refused: it is not zstd (a frame needs a magic number and header).
/// </summary>
public sealed class VerifiedZstdStream : ObservingReadStream
{
    private readonly CountingStream _source;

    public VerifiedZstdStream(Stream compressed)
        : this(new CountingStream(compressed))
    {
    }

    private VerifiedZstdStream(CountingStream source)
        : base(new GuardedDecoder(source))
    {
        _source = source;
    }

    protected override void Observe(ReadOnlySpan<byte> chunk)
    {
        var produced = TotalRead + chunk.Length;
        if (produced > VerifiedGzipStream.BombSlack && produced > VerifiedGzipStream.MaxRatio * Math.Max(1, _source.TotalRead))
        {
            throw new DecompressionBombException($"zstd expands more than {VerifiedGzipStream.MaxRatio}:1 ({_source.TotalRead} bytes became {produced}): refused as a decompression bomb");
        }

        if (chunk.Length == 0 && _source.TotalRead == 0)
        {
            throw new InvalidDataException("a zero-byte file is not zstd (no frame header)");
        }
    }

    /// <summary>The counted compressed input.</summary>
    private sealed class CountingStream(Stream inner) : ObservingReadStream(inner)
    {
        protected override void Observe(ReadOnlySpan<byte> chunk)
        {
        }
    }

    /// <summary>ZstdSharp's decoder, its errors (a cut frame, a bad checksum) as InvalidDataException.</summary>
    private sealed class GuardedDecoder(Stream source) : ObservingReadStream(new ZstdSharp.DecompressionStream(source, leaveOpen: false, checkEndOfStream: true))
    {
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return base.Read(buffer);
            }
            catch (ZstdSharp.ZstdException e)
            {
                throw new InvalidDataException($"zstd: {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"zstd: the file ends inside a frame ({e.Message})", e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.ReadAsync(buffer, cancellationToken);
            }
            catch (ZstdSharp.ZstdException e)
            {
                throw new InvalidDataException($"zstd: {e.Message}", e);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"zstd: the file ends inside a frame ({e.Message})", e);
            }
        }

        protected override void Observe(ReadOnlySpan<byte> chunk)
        {
        }
    }
}
