namespace DataForge.Core.Compression;

/// <summary>
/// A forward-only read stream over another that shows every chunk read to <see cref="Observe"/> before returning
/// it: the one place the Stream boilerplate lives for the streams that check what passes through them.
/// </summary>
public abstract class ObservingReadStream(Stream inner) : Stream
{
    public long TotalRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => TotalRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Pass(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Pass(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Sees each chunk read (an empty one at the end of the stream); may throw to refuse it.</summary>
    protected abstract void Observe(ReadOnlySpan<byte> chunk);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Pass(ReadOnlySpan<byte> chunk)
    {
        Observe(chunk);
        TotalRead += chunk.Length;
        return chunk.Length;
    }
}
