using System.Buffers.Binary;
using System.IO.Hashing;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace DataForge.Core.Compression;

/// <summary>
/// Decompresses concatenated gzip members (RFC 1952 §2.2: "a gzip file consists of a series of members"), as WARC
/// files are written, one member per record, and verifies each one: its header, its deflate data to the final block,
/// and its trailer (CRC-32 and ISIZE of that member's data). .NET's GZipStream returns a clean end when the input
/// simply stops, so a cut archive would lose its tail silently; here any cut, inside a header, the data or a trailer,
/// is an <see cref="EndOfStreamException"/> and any damage an <see cref="InvalidDataException"/>, naming the member's
/// offset. After an error, <see cref="SkipToNextMemberAsync"/> moves to the next member header, so the members after a
/// damaged one are still read. Member boundaries are exact because the inflater (SharpZipLib's) says how much input it
/// left unconsumed, which System.IO.Compression does not.
/// </summary>
public sealed class GzipMemberStream(Stream compressed, bool leaveOpen = false) : Stream
{
    private const int FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16;

    /// <summary>ID1, ID2 and CM = 8 (deflate): how every member a gzip tool writes begins.</summary>
    private static ReadOnlySpan<byte> MemberMagic => [0x1f, 0x8b, 0x08];

    private readonly byte[] _input = new byte[1 << 16];
    private readonly byte[] _scratch = new byte[1 << 16];
    private readonly Inflater _inflater = new(noHeader: true);
    private readonly Crc32 _crc = new();
    private int _inputStart;
    private int _inputEnd;
    private bool _inputDone;
    private long _compacted;   // compressed bytes dropped from the front of _input
    private long _memberStart;
    private long _memberSize;
    private State _state = State.Header;
    private bool _failed;

    private enum State
    {
        Header,
        Data,
        Trailer,
        End,
    }

    /// <summary>Members read and verified whole so far.</summary>
    public int Members { get; private set; }

    /// <summary>The compressed offset of the member being read (or of the next one).</summary>
    public long MemberOffset => _memberStart;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> destination)
    {
        var buffer = new byte[destination.Length];
        var read = Read(buffer, 0, buffer.Length);
        buffer.AsSpan(0, read).CopyTo(destination);
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(destination, useAsync: true, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadCoreAsync(buffer.AsMemory(offset, count), useAsync: true, cancellationToken).AsTask();

    /// <summary>
    /// After an error: drops the damaged member and moves to the next offset that starts a gzip member header
    /// (1f 8b 08); false when none follows.
    /// </summary>
    public async Task<bool> SkipToNextMemberAsync(CancellationToken cancellationToken = default)
    {
        _inflater.Reset();
        _failed = false;
        _state = State.Header;
        _inputStart = (int)Math.Clamp(_memberStart + 1 - _compacted, _inputStart, _inputEnd);
        while (true)
        {
            var found = _input.AsSpan(_inputStart, _inputEnd - _inputStart).IndexOf(MemberMagic);
            if (found >= 0)
            {
                _inputStart += found;
                _memberStart = _compacted + _inputStart;
                return true;
            }

            _inputStart = Math.Max(_inputStart, _inputEnd - 2); // a header may straddle two reads
            if (_inputDone)
            {
                _state = State.End;
                return false;
            }

            await PullAsync(useAsync: true, cancellationToken);
        }
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> output, bool useAsync, CancellationToken cancellationToken)
    {
        if (_failed)
        {
            throw new InvalidDataException($"the gzip member at offset {_memberStart} is damaged; skip to the next member first");
        }

        try
        {
            while (true)
            {
                switch (_state)
                {
                    case State.End:
                        return 0;

                    case State.Header:
                        if (_inputStart == _inputEnd && _inputDone)
                        {
                            if (Members == 0)
                            {
                                // RFC 1952 §2.2: a gzip file is one or more members; zero bytes is a write that failed.
                                throw new EndOfStreamException("the gzip data is empty: a gzip file holds at least one member");
                            }

                            _state = State.End;
                            return 0;
                        }

                        if (!TryReadHeader())
                        {
                            if (_inputDone)
                            {
                                throw new EndOfStreamException($"the gzip data ends inside the header of the member at offset {_compacted + _inputStart}");
                            }

                            await PullAsync(useAsync, cancellationToken);
                            continue;
                        }

                        _inflater.SetInput(_input, _inputStart, _inputEnd - _inputStart);
                        _state = State.Data;
                        continue;

                    case State.Data:
                        if (_inflater.IsFinished)
                        {
                            _inputStart = _inputEnd - _inflater.RemainingInput;
                            _state = State.Trailer;
                            continue;
                        }

                        if (_inflater.IsNeedingInput)
                        {
                            _inputStart = _inputEnd; // the inflater took all it was given
                            if (_inputDone)
                            {
                                throw new EndOfStreamException($"the gzip data ends inside the compressed data of the member at offset {_memberStart}");
                            }

                            await PullAsync(useAsync, cancellationToken);
                            if (_inputEnd > _inputStart)
                            {
                                _inflater.SetInput(_input, _inputStart, _inputEnd - _inputStart);
                            }

                            continue;
                        }

                        if (output.Length == 0)
                        {
                            return 0;
                        }

                        var produced = _inflater.Inflate(_scratch, 0, Math.Min(output.Length, _scratch.Length));
                        if (produced > 0)
                        {
                            _crc.Append(_scratch.AsSpan(0, produced));
                            _memberSize += produced;
                            _scratch.AsMemory(0, produced).CopyTo(output);
                            return produced;
                        }

                        if (_inflater.IsNeedingDictionary)
                        {
                            throw new InvalidDataException($"the gzip member at offset {_memberStart} asks for a preset dictionary, which gzip has none of");
                        }

                        continue;

                    case State.Trailer:
                        if (_inputEnd - _inputStart < 8)
                        {
                            if (_inputDone)
                            {
                                throw new EndOfStreamException($"the gzip data ends inside the trailer of the member at offset {_memberStart}");
                            }

                            await PullAsync(useAsync, cancellationToken);
                            continue;
                        }

                        VerifyTrailer();
                        continue;
                }
            }
        }
        catch (Exception e) when (e is SharpZipBaseException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            // Damaged deflate data (an impossible Huffman code set, a distance before the window's start): the
            // inflater says so in one of these; the mutational fuzzer (HostileInputFuzzTests) found the index one.
            _failed = true;
            throw new InvalidDataException($"the gzip member at offset {_memberStart} is damaged: {e.Message}", e);
        }
        catch (InvalidDataException)
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Parses the member header at the read position; false when more bytes are needed for it.</summary>
    private bool TryReadHeader()
    {
        var available = _input.AsSpan(_inputStart, _inputEnd - _inputStart);
        var at = _compacted + _inputStart;
        if (available.Length >= 1 && available[0] != 0x1f || available.Length >= 2 && available[1] != 0x8b)
        {
            throw new InvalidDataException($"not a gzip member at offset {at} (no 1f 8b magic)");
        }

        if (available.Length < 10)
        {
            return false;
        }

        if (available[2] != 8)
        {
            throw new InvalidDataException($"the gzip member at offset {at} uses compression method {available[2]}, not deflate");
        }

        var flags = available[3];
        var position = 10;
        if ((flags & FlagExtra) != 0)
        {
            if (available.Length < position + 2)
            {
                return false;
            }

            position += 2 + BinaryPrimitives.ReadUInt16LittleEndian(available[position..]);
        }

        foreach (var flag in new[] { FlagName, FlagComment })
        {
            if ((flags & flag) == 0)
            {
                continue;
            }

            var end = position <= available.Length ? available[position..].IndexOf((byte)0) : -1;
            if (end < 0)
            {
                return false;
            }

            position += end + 1;
        }

        position += (flags & FlagHeaderCrc) != 0 ? 2 : 0;
        if (position > available.Length)
        {
            return false;
        }

        _memberStart = at;
        _inputStart += position;
        _inflater.Reset();
        _crc.Reset();
        _memberSize = 0;
        return true;
    }

    private void VerifyTrailer()
    {
        var trailer = _input.AsSpan(_inputStart, 8);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != _crc.GetCurrentHashAsUInt32() || BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != (uint)_memberSize)
        {
            throw new InvalidDataException($"the gzip member at offset {_memberStart} does not match its trailer (CRC-32 and length): damaged or cut");
        }

        _inputStart += 8;
        Members++;
        _memberStart = _compacted + _inputStart;
        _state = State.Header;
    }

    /// <summary>
    /// Reads more compressed bytes after the unread ones. Only called while the inflater holds no unread input of its
    /// own (before a header, after it asked for input, after its final block), so moving the bytes cannot mislead it.
    /// </summary>
    private async ValueTask PullAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_inputStart > 0)
        {
            Buffer.BlockCopy(_input, _inputStart, _input, 0, _inputEnd - _inputStart);
            _compacted += _inputStart;
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        if (_inputEnd == _input.Length)
        {
            throw new InvalidDataException($"a gzip member header at offset {_compacted} is longer than {_input.Length} bytes");
        }

        var read = useAsync
            ? await compressed.ReadAsync(_input.AsMemory(_inputEnd), cancellationToken)
            : compressed.Read(_input, _inputEnd, _input.Length - _inputEnd);
        _inputEnd += read;
        _inputDone = read == 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            compressed.Dispose();
        }

        base.Dispose(disposing);
    }
}
