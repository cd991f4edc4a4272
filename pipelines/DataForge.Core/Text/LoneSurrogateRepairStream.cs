namespace DataForge.Core.Text;

/// <summary>
/// A read-only view of a UTF-8 JSON stream with its lone surrogate escapes repaired (<see cref="LoneSurrogateEscapes"/>),
/// for JSON read as a stream (a COCO annotation file), where one such string would otherwise fail the whole file.
/// Memory: one buffer; at most 11 bytes are held back between reads, the longest escape pair not yet seen whole.
/// </summary>
public sealed class LoneSurrogateRepairStream(Stream inner, int bufferSize = 64 * 1024) : Stream
{
    private readonly byte[] _buffer = new byte[Math.Max(bufferSize, 64)];
    private LoneSurrogateEscapes.ScanState _state;
    private int _start;     // first byte not yet handed out
    private int _ready;     // end of the scanned bytes that may be handed out
    private int _end;       // end of the bytes read from the inner stream
    private bool _finished;

    /// <summary>Lone surrogates replaced so far.</summary>
    public int Replaced { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        while (_start == _ready && !(_finished && _ready == _end))
        {
            Compact();
            Scan(_finished ? 0 : inner.Read(_buffer, _end, _buffer.Length - _end));
        }

        return CopyOut(destination);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (_start == _ready && !(_finished && _ready == _end))
        {
            Compact();
            Scan(_finished ? 0 : await inner.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken));
        }

        return CopyOut(destination.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Moves what is left (the unscanned tail included) to the front, so the next read has room.</summary>
    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_ready, _end, _start) = (_ready - _start, _end - _start, 0);
        }
    }

    /// <summary>Takes in <paramref name="read"/> new bytes (0: the end of the inner stream) and scans what it can.</summary>
    private void Scan(int read)
    {
        if (read == 0)
        {
            _finished = true;
        }

        _end += read;
        var scanned = _buffer.AsSpan(_ready, _end - _ready);
        Replaced += LoneSurrogateEscapes.Repair(scanned, ref _state, _finished, out var processed);
        _ready += processed;
    }

    private int CopyOut(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _ready - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

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
}
