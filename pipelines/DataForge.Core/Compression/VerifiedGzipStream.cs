using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace DataForge.Core.Compression;

/// <summary>
/// Decompresses gzip and refuses to report a clean end of a truncated file. .NET's GZipStream returns end-of-stream
/// when the compressed input simply stops, so a cut-off download would lose its tail silently. At the end this
/// stream checks the trailer (RFC 1952 §2.3.1: CRC-32 and ISIZE of the member's data) against what it produced.
/// The check is exact for single-member files (what gzip, Python and most tools write). For multi-member files
/// (concatenated gzip, as WARC uses) the last trailer covers only the last member, so those are accepted unverified.
/// A zero-byte file is refused: it is not gzip (RFC 1952 needs a header), and is most often a write that failed.
/// </summary>
public sealed class VerifiedGzipStream : ObservingReadStream
{
    private readonly TailTrackingStream _source;
    private readonly Crc32 _crc = new();
    private bool _verified;

    public VerifiedGzipStream(Stream compressed)
        : this(new TailTrackingStream(compressed))
    {
    }

    private VerifiedGzipStream(TailTrackingStream source)
        : base(new GZipStream(source, CompressionMode.Decompress))
    {
        _source = source;
    }

    /// <summary>
    /// Decompressed bytes per compressed byte above which the input is taken for a decompression bomb. Text and HTML
    /// compress 3–10:1 and a file of one repeated byte about 1000:1 (deflate's ceiling), so 250:1 refuses the bomb
    /// while any real corpus passes; the first <see cref="BombSlack"/> bytes are never judged.
    /// </summary>
    public const int MaxRatio = 250;

    public const long BombSlack = 8L << 20;

    protected override void Observe(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length > 0)
        {
            _crc.Append(chunk);
            var produced = TotalRead + chunk.Length;
            if (produced > BombSlack && produced > MaxRatio * Math.Max(1, _source.TotalRead))
            {
                throw new DecompressionBombException($"gzip expands more than {MaxRatio}:1 ({_source.TotalRead} bytes became {produced}): refused as a decompression bomb");
            }

            return;
        }

        if (!_verified)
        {
            _verified = true;
            Verify();
        }
    }

    private void Verify()
    {
        var source = _source;
        if (source.TotalRead < 18)
        {
            throw new InvalidDataException($"gzip data is truncated: {source.TotalRead} bytes is shorter than a gzip header and trailer");
        }

        if (source.MaybeMultiMember)
        {
            return;
        }

        var trailer = source.Tail;
        var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (expectedCrc != _crc.GetCurrentHashAsUInt32() || expectedSize != (uint)TotalRead)
        {
            throw new InvalidDataException($"gzip data is truncated or damaged: the trailer does not match the {TotalRead} bytes decompressed");
        }
    }

    /// <summary>Remembers the last 8 compressed bytes and whether another member header may follow.</summary>
    private sealed class TailTrackingStream(Stream inner) : ObservingReadStream(inner)
    {
        private readonly byte[] _tail = new byte[8];
        private byte _previous1;
        private byte _previous2;

        /// <summary>A gzip member header (1f 8b 08) seen after offset 0. Random deflate bytes can match too; that only
        /// means a file goes unverified, never that a good file is refused.</summary>
        public bool MaybeMultiMember { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        protected override void Observe(ReadOnlySpan<byte> chunk)
        {
            for (var i = 0; i < chunk.Length; i++)
            {
                if (TotalRead + i > 2 && _previous2 == 0x1f && _previous1 == 0x8b && chunk[i] == 0x08)
                {
                    MaybeMultiMember = true;
                }

                _previous2 = _previous1;
                _previous1 = chunk[i];
            }

            if (chunk.Length >= 8)
            {
                chunk[^8..].CopyTo(_tail);
            }
            else if (chunk.Length > 0)
            {
                _tail.AsSpan(chunk.Length).CopyTo(_tail);
                chunk.CopyTo(_tail.AsSpan(8 - chunk.Length));
            }
        }
    }
}

/// <summary>Compressed input that expands beyond any plausible ratio (see <see cref="VerifiedGzipStream.MaxRatio"/>).</summary>
public sealed class DecompressionBombException(string message) : IOException(message);
