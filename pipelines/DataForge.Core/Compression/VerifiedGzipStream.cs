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
public sealed class VerifiedGzipStream : Stream
{
    private readonly TailTrackingStream _compressed;
    private readonly GZipStream _gzip;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _verified;

    public VerifiedGzipStream(Stream compressed)
    {
        _compressed = new TailTrackingStream(compressed);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _gzip.Read(buffer);
        return Account(buffer[..read]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _gzip.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> produced)
    {
        if (produced.Length > 0)
        {
            _crc.Append(produced);
            _length += produced.Length;
            return produced.Length;
        }

        if (!_verified)
        {
            _verified = true;
            Verify();
        }

        return 0;
    }

    private void Verify()
    {
        if (_compressed.TotalRead < 18)
        {
            throw new InvalidDataException($"gzip data is truncated: {_compressed.TotalRead} bytes is shorter than a gzip header and trailer");
        }

        if (_compressed.MaybeMultiMember)
        {
            return;
        }

        var trailer = _compressed.Tail;
        var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (expectedCrc != _crc.GetCurrentHashAsUInt32() || expectedSize != (uint)_length)
        {
            throw new InvalidDataException($"gzip data is truncated or damaged: the trailer does not match the {_length} bytes decompressed");
        }
    }

    /// <summary>Passes reads through, remembering the last 8 bytes and whether another member header may follow.</summary>
    private sealed class TailTrackingStream(Stream inner) : Stream
    {
        private readonly byte[] _tail = new byte[8];
        private byte _previous1;
        private byte _previous2;

        public long TotalRead { get; private set; }

        /// <summary>A gzip member header (1f 8b 08) seen after offset 0. Random deflate bytes can match too; that only
        /// means a file goes unverified, never that a good file is refused.</summary>
        public bool MaybeMultiMember { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => TotalRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Track(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override int Read(Span<byte> buffer) => Track(buffer[..inner.Read(buffer)]);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Track(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Track(ReadOnlySpan<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                var position = TotalRead + i;
                if (position >= 2 && _previous2 == 0x1f && _previous1 == 0x8b && bytes[i] == 0x08 && position > 2)
                {
                    MaybeMultiMember = true;
                }

                _previous2 = _previous1;
                _previous1 = bytes[i];
            }

            if (bytes.Length >= 8)
            {
                bytes[^8..].CopyTo(_tail);
            }
            else if (bytes.Length > 0)
            {
                _tail.AsSpan(bytes.Length).CopyTo(_tail);
                bytes.CopyTo(_tail.AsSpan(8 - bytes.Length));
            }

            TotalRead += bytes.Length;
            return bytes.Length;
        }
    }
}
