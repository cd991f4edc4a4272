using System.Buffers;
using System.Text;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadText;

/// <summary>One line of a JSONL file: its text, or why it has none.</summary>
/// <param name="TooLong">longer than the limit: skipped to its end without being held</param>
/// <param name="InvalidUtf8">not UTF-8 (the text is null)</param>
public readonly record struct TextLine(string? Text, bool TooLong, bool InvalidUtf8);

/// <summary>One line's bytes (null when it is longer than the limit), not yet checked to be UTF-8.</summary>
public readonly record struct RawLine(byte[]? Bytes, bool TooLong);

/// <summary>
/// Lines of a UTF-8 stream, each at most <c>maxBytes</c>: a longer line (a decompression bomb's single line, a
/// corrupt file without newlines) is skipped to its end without being buffered, so memory stays bounded whatever the
/// input. Lines are decoded strictly: invalid UTF-8 is reported, not silently replaced. A UTF-8 byte order mark at the
/// start is dropped; '\r' before '\n' is removed.
/// </summary>
public sealed class BoundedLineReader(Stream stream, int maxBytes)
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;
    private bool _first = true;

    /// <summary>The next line, or null at the end of the stream.</summary>
    public async ValueTask<TextLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var read = await ReadLineBytesAsync(cancellationToken);
        if (read is not { } line)
        {
            return null;
        }

        if (line.TooLong)
        {
            return new TextLine(null, TooLong: true, InvalidUtf8: false);
        }

        try
        {
            return new TextLine(Strict.GetString(line.Bytes!), TooLong: false, InvalidUtf8: false);
        }
        catch (DecoderFallbackException)
        {
            return new TextLine(null, TooLong: false, InvalidUtf8: true);
        }
    }

    /// <summary>
    /// The next line's bytes, not decoded (BOM and '\r' removed), or null at the end: for readers that check and decode
    /// on other threads (read-text's JSON Lines, where decoding on the reading thread was a serial cost on 16 cores).
    /// </summary>
    public async ValueTask<RawLine?> ReadLineBytesAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        var tooLong = false;
        var sawAny = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return sawAny ? Finish(tooLong) : null;
                }
            }

            sawAny = true;
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var piece = newline < 0 ? available : available[..newline];
            if (!tooLong && _line.WrittenCount + piece.Length > maxBytes)
            {
                tooLong = true;
                _line.ResetWrittenCount();
            }

            if (!tooLong)
            {
                _line.Write(piece);
            }

            _start += newline < 0 ? available.Length : newline + 1;
            if (newline >= 0)
            {
                return Finish(tooLong);
            }
        }
    }

    private RawLine Finish(bool tooLong)
    {
        if (tooLong)
        {
            _first = false;
            return new RawLine(null, TooLong: true);
        }

        var bytes = _line.WrittenSpan;
        if (_first && bytes.StartsWith("\xEF\xBB\xBF"u8))
        {
            bytes = bytes[3..];
        }

        _first = false;
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }

        return new RawLine(bytes.ToArray(), TooLong: false);
    }
}
