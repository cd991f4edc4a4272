using System.Buffers;
using System.Globalization;
using System.Text;

namespace DataForge.Core.Stages.ReadText;

/// <summary>
/// The text of a JSON string value whose document has already been validated (RFC 8259 §7: the escapes \" \\ \/ \b
/// \f \n \r \t and \uXXXX, a surrogate pair as two escapes), decoded straight from its UTF-8 bytes to UTF-16 in one
/// pass: the runs between escapes are transcoded whole (a backslash is ASCII, so a run never splits a UTF-8
/// sequence) and each escape gives its char. It replaces unescaping into a UTF-8 buffer and decoding that, two passes
/// over what is most of a JSON Lines record (issue 21's profile). The result is the string JsonElement.GetString gives
/// for the same value (tested against it).
/// </summary>
internal static class JsonStringText
{
    /// <param name="content">the value's raw bytes between its quotes</param>
    public static string Decode(ReadOnlySpan<byte> content)
    {
        var at = content.IndexOf((byte)'\\');
        if (at < 0)
        {
            return Encoding.UTF8.GetString(content);
        }

        // UTF-16 never needs more chars than the UTF-8 has bytes, and each escape is shorter than its spelling.
        var chars = ArrayPool<char>.Shared.Rent(content.Length);
        try
        {
            var written = 0;
            while (at >= 0)
            {
                written += Encoding.UTF8.GetChars(content[..at], chars.AsSpan(written));
                var (value, length) = Escape(content[(at + 1)..]);
                chars[written++] = value;
                content = content[(at + 1 + length)..];
                at = content.IndexOf((byte)'\\');
            }

            written += Encoding.UTF8.GetChars(content, chars.AsSpan(written));
            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The char an escape stands for and the bytes it takes after its backslash.</summary>
    private static (char Value, int Length) Escape(ReadOnlySpan<byte> escape) => escape[0] switch
    {
        (byte)'"' => ('"', 1),
        (byte)'\\' => ('\\', 1),
        (byte)'/' => ('/', 1),
        (byte)'b' => ('\b', 1),
        (byte)'f' => ('\f', 1),
        (byte)'n' => ('\n', 1),
        (byte)'r' => ('\r', 1),
        (byte)'t' => ('\t', 1),
        (byte)'u' when escape.Length >= 5 && ushort.TryParse(escape[1..5], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit) => ((char)unit, 5),
        _ => throw new InvalidOperationException($"'\\{(char)escape[0]}' is not a JSON escape; the document was to be validated first"),
    };
}
