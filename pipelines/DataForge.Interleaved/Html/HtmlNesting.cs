namespace DataForge.Interleaved.Html;

/// <summary>
/// A cheap scan for pages whose elements nest absurdly deep, run before the real parser: HTML tree construction checks
/// the stack of open elements on many tags, so a page of 200 000 nested divs took AngleSharp minutes (a denial of
/// service by one record), and a recursive walk of such a tree risks the stack. Counts start tags minus end tags,
/// skipping void elements (and elements that self-close inside svg or math), elements whose end tags HTML lets authors omit (p, li, td, …), comments and the raw text
/// of script, style and similar elements, so ordinary tag soup never approaches the limit.
/// </summary>
public static class HtmlNesting
{
    /// <summary>Browsers flatten deeper trees too (Blink's parser stops nesting at 512).</summary>
    public const int MaxDepth = 1024;

    private static readonly HashSet<string> NoEndTagCounted = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rp",
        "rtc", "caption", "html", "head", "body", "frame", "basefont", "bgsound", "image",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext" };

    // Span lookups: the scan runs over every page, so it allocates no string per tag.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NoEndTagCountedByName = NoEndTagCounted.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextByName = RawText.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The offset where the depth first passes <paramref name="limit"/>, or -1.</summary>
    public static int FirstOffsetBeyond(string html, int limit = MaxDepth)
    {
        var depth = 0;
        var foreign = 0;
        var at = 0;
        while ((at = html.IndexOf('<', at)) >= 0 && at + 1 < html.Length)
        {
            if (string.CompareOrdinal(html, at, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", at + 4, StringComparison.Ordinal);
                at = close < 0 ? html.Length : close + 3;
                continue;
            }

            var closing = html[at + 1] == '/';
            var nameStart = at + (closing ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                at++;
                continue;
            }

            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            var tagEnd = html.IndexOf('>', nameEnd);
            if (tagEnd < 0)
            {
                return -1;
            }

            // HTML ignores the slash of <div/> (HTML §13.2.6.4: only void and foreign elements self-close), so
            // 200 000 of them nest 200 000 deep; inside <svg> and <math> a slash does close the element.
            var selfClosing = html[tagEnd - 1] == '/' && foreign > 0;
            at = tagEnd + 1;
            var isForeignRoot = name.Equals("svg", StringComparison.OrdinalIgnoreCase) || name.Equals("math", StringComparison.OrdinalIgnoreCase);
            if (NoEndTagCountedByName.Contains(name) || selfClosing)
            {
                continue;
            }

            if (closing)
            {
                depth = Math.Max(0, depth - 1);
                foreign = isForeignRoot ? Math.Max(0, foreign - 1) : foreign;
                continue;
            }

            if (isForeignRoot && html[tagEnd - 1] != '/')
            {
                foreign++;
            }

            if (RawTextByName.Contains(name))
            {
                at = EndOfRawText(html, at, name);
                continue;
            }

            if (++depth > limit)
            {
                return nameStart - 1;
            }
        }

        return -1;
    }

    /// <summary>Where the raw text opened by <paramref name="name"/> ends: its end tag, or the end of the page.</summary>
    private static int EndOfRawText(string html, int from, ReadOnlySpan<char> name)
    {
        var at = from;
        while ((at = html.IndexOf("</", at, StringComparison.Ordinal)) >= 0)
        {
            if (html.AsSpan(at + 2).StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                return at;
            }

            at += 2;
        }

        return html.Length;
    }
}
