using System.Text;
using System.Text.RegularExpressions;

namespace DataForge.Interleaved.Html;

/// <summary>
/// Picks a page's character encoding as browsers do (WHATWG HTML §13.2.3.2 in short): a byte order mark, then the
/// HTTP Content-Type charset, then a &lt;meta charset&gt; or http-equiv in the first 1024 bytes, else UTF-8.
/// Legacy encodings (GBK, Shift_JIS, windows-1252, …) come from the code-pages provider without registering it
/// process-wide.
/// </summary>
public static partial class CharsetDetector
{
    public static Encoding Detect(ReadOnlySpan<byte> page, string? httpCharset)
    {
        if (page.StartsWith("\xEF\xBB\xBF"u8))
        {
            return new UTF8Encoding(false);
        }

        if (page.StartsWith("\xFF\xFE"u8))
        {
            return Encoding.Unicode;
        }

        if (page.StartsWith("\xFE\xFF"u8))
        {
            return Encoding.BigEndianUnicode;
        }

        if (Resolve(httpCharset) is { } fromHttp)
        {
            return fromHttp;
        }

        var prefix = Encoding.Latin1.GetString(page[..Math.Min(page.Length, 1024)]);
        var match = MetaCharset().Match(prefix);
        return (match.Success ? Resolve(match.Groups["charset"].Value) : null) ?? new UTF8Encoding(false);
    }

    /// <summary>An encoding by its label; null for unknown labels. WHATWG maps gb2312 and gbk to GB18030's superset, as here.</summary>
    public static Encoding? Resolve(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return null;
        }

        var name = label.Trim().Trim('"', '\'').ToLowerInvariant() switch
        {
            "gb2312" or "gbk" or "x-gbk" => "gb18030",
            "utf8" => "utf-8",
            "latin1" or "iso-8859-1" or "us-ascii" or "ascii" => "windows-1252",
            var other => other,
        };
        try
        {
            return name == "utf-8" ? new UTF8Encoding(false) : CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Unknown names, and UTF-7, which .NET refuses outright (fuzzing found a meta charset of utf-7).
            return null;
        }
    }

    [GeneratedRegex("""<meta[^>]+?(?:charset\s*=\s*["']?(?<charset>[A-Za-z0-9_\-:.]+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
