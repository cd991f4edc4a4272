using System.Text;

namespace DataForge.Core.Text;

/// <summary>
/// JSON text may escape half of a surrogate pair on its own (<c>"\ud83d"</c>: Python's <c>json.dumps</c> writes one for
/// a string holding a lone surrogate, and JSON's grammar allows it, RFC 8259 §8.2), but such a string is not Unicode
/// and System.Text.Json refuses to read it. DataForge does what tiktoken does with such text (tiktoken/core.py
/// encode: <c>text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")</c>): each lone surrogate becomes
/// U+FFFD, in the record where it stands, and the rest of the record and of the file is read as it is. The escape is
/// rewritten in place (<c>\udXXX</c> → <c>\ufffd</c>, the same six bytes), so offsets in the text do not move.
/// </summary>
public static class LoneSurrogateEscapes
{
    /// <summary>Where a scan stopped: inside a string or not (escapes only count inside strings).</summary>
    public struct ScanState
    {
        internal bool InString;
    }

    /// <summary>The text with every lone surrogate escape replaced, and how many there were.</summary>
    public static (string Text, int Replaced) Repair(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return (json, 0);
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        var state = default(ScanState);
        var replaced = Repair(bytes, ref state, final: true, out _);
        return replaced == 0 ? (json, 0) : (Encoding.UTF8.GetString(bytes), replaced);
    }

    /// <summary>
    /// Rewrites the lone surrogate escapes of UTF-8 JSON in <paramref name="bytes"/>. Unless <paramref name="final"/>,
    /// it stops before an escape whose end (or whose pair's end) is not in the buffer yet: <paramref name="processed"/>
    /// says how far it got, and the rest must be scanned again with more bytes after it.
    /// </summary>
    public static int Repair(Span<byte> bytes, ref ScanState state, bool final, out int processed)
    {
        var replaced = 0;
        var index = 0;
        while (index < bytes.Length)
        {
            var current = bytes[index];
            if (!state.InString)
            {
                state.InString = current == (byte)'"';
                index++;
                continue;
            }

            if (current == (byte)'"')
            {
                state.InString = false;
                index++;
                continue;
            }

            if (current != (byte)'\\')
            {
                index++;
                continue;
            }

            if (index + 1 >= bytes.Length)
            {
                if (!final)
                {
                    break;
                }

                index++;
                continue;
            }

            if (bytes[index + 1] != (byte)'u')
            {
                index += 2; // \" \\ \n …: the escaped character is never a quote that ends the string
                continue;
            }

            if (index + 6 > bytes.Length)
            {
                if (!final)
                {
                    break;
                }

                index = bytes.Length;
                continue;
            }

            if (Hex(bytes.Slice(index + 2, 4)) is not { } unit)
            {
                index += 2; // malformed: the JSON reader will say so
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (index + 12 > bytes.Length && !final)
                {
                    break;
                }

                var paired = index + 12 <= bytes.Length && bytes[index + 6] == (byte)'\\' && bytes[index + 7] == (byte)'u'
                    && Hex(bytes.Slice(index + 8, 4)) is >= 0xDC00 and <= 0xDFFF;
                if (paired)
                {
                    index += 12;
                    continue;
                }
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                "fffd"u8.CopyTo(bytes.Slice(index + 2, 4));
                replaced++;
            }

            index += 6;
        }

        processed = index;
        return replaced;
    }

    private static int? Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            var nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return null;
            }

            value = (value << 4) | nibble;
        }

        return value;
    }
}
