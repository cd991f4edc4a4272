using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DataForge.Core.Compression;

namespace DataForge.Interleaved.Warc;

/// <summary>
/// Streams the records of a WARC file, plain or gzip (one member per record, as Common Crawl and warcio write:
/// .NET's GZipStream reads the members back to back). A record whose header is malformed is reported and the
/// reader resynchronises at the next line that starts with "WARC/" (the line right after the bad one included), so
/// records after it are still read; an archive that ends inside a record is reported as truncated (WARC/1.1 §5:
/// Content-Length gives the block's exact length). As warctools and warcio do, the terminator between records may be
/// any run of CR and LF (warctools' tests: "anything works as long as it contains only \r and \n"), a UTF-8 byte
/// order mark before the first record is skipped, and the drafts WARC/0.17 and WARC/0.18 are read like 1.0.
/// </summary>
public static class WarcReader
{
    /// <summary>Blocks above this are skipped with a reason rather than held in memory.</summary>
    public const long DefaultMaxBlockBytes = 64L << 20;

    public static async IAsyncEnumerable<WarcReadResult> ReadAsync(
        Stream archive, bool gzip, long maxBlockBytes = DefaultMaxBlockBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Every gzip member is verified (header, data, CRC-32 and length): a cut or damaged archive is never a clean end.
        var members = gzip ? new GzipMemberStream(archive, leaveOpen: true) : null;
        var source = members ?? archive;
        var input = new LineReader(source);
        try
        {
            while (true)
            {
                WarcReadResult result;
                string? version;
                long offset;
                var fatal = false;
                var damagedMember = false;
                try
                {
                    // Records are separated by CRLF CRLF, or in practice by any run of CR and LF: skip such lines.
                    do
                    {
                        offset = input.Position;
                        version = await input.ReadLineAsync(cancellationToken);
                        if (offset == 0 && version is not null && version.StartsWith('\uFEFF'))
                        {
                            version = version[1..];
                        }
                    }
                    while (version is not null && version.AsSpan().Trim('\r').IsEmpty);

                    if (version is null)
                    {
                        break;
                    }

                    result = await ReadRecordAsync(input, version, offset, maxBlockBytes, cancellationToken);
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
                {
                    // The archive ended inside a record, or its data is damaged. In gzip, the next member is the next
                    // record (one member per record, WARC/1.1 annex D), so reading goes on there; otherwise nothing
                    // after it can be located.
                    result = new WarcReadResult(null, e is EndOfStreamException ? InterleaveRejectReasons.WarcTruncated : InterleaveRejectReasons.WarcCorrupt, e.Message, members?.MemberOffset ?? input.Position);
                    fatal = true;
                    if (members is not null && e is InvalidDataException)
                    {
                        damagedMember = true;
                    }
                }

                yield return result;
                if (damagedMember)
                {
                    damagedMember = false;
                    if (!await members!.SkipToNextMemberAsync(cancellationToken))
                    {
                        yield break;
                    }

                    input = new LineReader(members, input.Position);
                    continue;
                }

                if (fatal)
                {
                    yield break;
                }

                if (result.ErrorReason is not null && result.Record is null)
                {
                    WarcReadResult? damaged = null;
                    var found = false;
                    try
                    {
                        found = await input.SkipToNextRecordAsync(cancellationToken);
                    }
                    catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
                    {
                        // Looking for the next record ran into damaged compressed data (fuzzing found this path).
                        damaged = new WarcReadResult(null, InterleaveRejectReasons.WarcCorrupt, e.Message, input.Position);
                    }

                    if (damaged is not null)
                    {
                        yield return damaged;
                    }

                    if (!found)
                    {
                        yield break;
                    }
                }
            }
        }
        finally
        {
            if (members is not null)
            {
                await members.DisposeAsync();
            }
        }
    }

    private static async Task<WarcReadResult> ReadRecordAsync(LineReader input, string version, long offset, long maxBlockBytes, CancellationToken cancellationToken)
    {
        if (version is not ("WARC/1.0" or "WARC/1.1" or "WARC/0.17" or "WARC/0.18"))
        {
            return new WarcReadResult(null, InterleaveRejectReasons.WarcInvalidHeader, $"expected WARC/1.1, 1.0, 0.18 or 0.17 at offset {offset}, found '{Printable(version)}'", offset);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? lastName = null;
        while (true)
        {
            var line = await input.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException($"the archive ends inside the header of the record at offset {offset}");
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is ' ' or '\t' && lastName is not null)
            {
                fields[lastName] += " " + line.Trim(); // a folded continuation line (WARC/1.0 §5.1)
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return new WarcReadResult(null, InterleaveRejectReasons.WarcInvalidHeader, $"malformed header line '{Printable(line)}' in the record at offset {offset}", offset);
            }

            lastName = line[..colon].Trim();
            fields.TryAdd(lastName, line[(colon + 1)..].Trim());
        }

        if (!fields.TryGetValue("Content-Length", out var lengthText) || !long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return new WarcReadResult(null, InterleaveRejectReasons.WarcInvalidHeader, $"the record at offset {offset} has no valid Content-Length", offset);
        }

        if (length > maxBlockBytes)
        {
            await input.SkipAsync(length, cancellationToken);
            return new WarcReadResult(null, InterleaveRejectReasons.WarcRecordTooLarge, $"a {length}-byte block at offset {offset} exceeds the {maxBlockBytes}-byte limit", offset);
        }

        var block = await input.ReadExactlyAsync((int)length, cancellationToken);
        return new WarcReadResult(new WarcRecord(version, fields, block, offset), null, null, offset);
    }

    private static string Printable(string text) =>
        text.Length > 60 ? string.Concat(text.AsSpan(0, 60), "…") : text;

    /// <summary>A buffered reader of header lines and exact-length blocks, tracking the decompressed offset.</summary>
    private sealed class LineReader(Stream stream, long position = 0)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;

        public long Position { get; private set; } = position;

        /// <summary>A line without its CRLF (a bare LF is accepted); null at the end of the stream.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Length == 0 ? null : throw new EndOfStreamException("the archive ends inside a header line");
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = newline < 0 ? _end : newline;
                line.Write(_buffer, _start, stop - _start);
                Position += stop - _start + (newline < 0 ? 0 : 1);
                _start = newline < 0 ? _end : newline + 1;
                if (newline >= 0)
                {
                    var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
                    if (bytes.Length > 0 && bytes[^1] == '\r')
                    {
                        bytes = bytes[..^1];
                    }

                    // Header fields are UTF-8 in WARC/1.1 (§4), ASCII in practice.
                    return Encoding.UTF8.GetString(bytes);
                }

                if (line.Length > 1 << 20)
                {
                    throw new InvalidDataException("a header line longer than 1 MiB");
                }
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var block = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new EndOfStreamException($"the archive ends {count - filled} bytes short of a {count}-byte record block");
                }

                var take = Math.Min(count - filled, _end - _start);
                Array.Copy(_buffer, _start, block, filled, take);
                _start += take;
                filled += take;
                Position += take;
            }

            return block;
        }

        public async Task SkipAsync(long count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new EndOfStreamException($"the archive ends {count} bytes short of a record block");
                }

                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
                Position += take;
            }
        }

        /// <summary>
        /// After a malformed header: skips to the next line that starts a record; false at the end. The reader stands at
        /// the start of a line (the bad line is consumed), and that line may already be the next record's.
        /// </summary>
        public async Task<bool> SkipToNextRecordAsync(CancellationToken cancellationToken)
        {
            while (_end - _start < 5 && await FillAsync(cancellationToken))
            {
            }

            if (_buffer.AsSpan(_start, _end - _start).StartsWith("WARC/"u8))
            {
                return true;
            }

            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return false;
                }

                // Look at the unread bytes for "\nWARC/" and stop just after its newline.
                var window = _buffer.AsSpan(_start, _end - _start);
                var found = window.IndexOf("\nWARC/"u8);
                if (found >= 0)
                {
                    _start += found + 1;
                    Position += found + 1;
                    return true;
                }

                // Keep the last few bytes: the marker may straddle two reads.
                var keep = Math.Min(5, window.Length);
                Position += window.Length - keep;
                _start = _end - keep;
                if (!await FillAsync(cancellationToken))
                {
                    return false;
                }
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read > 0;
        }
    }
}
