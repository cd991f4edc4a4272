using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace DataForge.Interleaved.Html;

/// <summary>
/// Turns a page into text blocks and images in reading order, the way OBELICS-style builders do: parse with
/// AngleSharp, drop boilerplate (scripts, navigation, headers and footers, forms, and elements whose class or id
/// names ads, menus, cookie banners, sidebars), then walk the DOM, flushing text at block boundaries and emitting
/// each image where it stands. Never throws on malformed markup: HTML parsing is total.
/// </summary>
public sealed partial class HtmlExtractor
{
    // <video> is content since issue 24 (read into Video parts); <audio> without a picture stays out.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
        "input", "textarea", "iframe", "object", "embed", "svg", "canvas", "audio", "map", "dialog",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
        "dd", "figure", "figcaption", "blockquote", "pre", "table", "tr", "td", "th", "caption", "hr", "address", "details", "summary",
    };

    private readonly HtmlParser _parser = new(new HtmlParserOptions { IsScripting = false });

    /// <summary>The page's text and images in reading order; a <see cref="FormatException"/> for a page nested too deep to parse safely.</summary>
    public ExtractedPage Extract(byte[] page, string url, string? httpCharset)
    {
        var encoding = CharsetDetector.Detect(page, httpCharset);
        var html = encoding.GetString(page);
        if (HtmlNesting.FirstOffsetBeyond(html) is >= 0 and var offset)
        {
            throw new FormatException($"elements nest deeper than {HtmlNesting.MaxDepth} levels (character {offset})");
        }

        var document = _parser.ParseDocument(html);
        var baseUrl = BaseUrl(document, url);
        var title = Normalize(document.Title ?? string.Empty);
        var walk = new Walk(baseUrl);
        if (document.Body is { } body)
        {
            walk.Visit(body);
        }

        walk.FlushText();
        return new ExtractedPage(url, title.Length == 0 ? null : title, walk.Items, walk.Removed);
    }

    private static Uri? BaseUrl(IDocument document, string url)
    {
        Uri.TryCreate(url, UriKind.Absolute, out var page);
        var href = document.QuerySelector("base[href]")?.GetAttribute("href");
        if (href is not null && Uri.TryCreate(page, href, out var declared))
        {
            return declared;
        }

        return page;
    }

    internal static bool IsBoilerplate(IElement element)
    {
        if (Dropped.Contains(element.LocalName) || element.HasAttribute("hidden") || element.GetAttribute("aria-hidden") == "true")
        {
            return true;
        }

        var role = element.GetAttribute("role");
        if (role is "navigation" or "banner" or "contentinfo" or "complementary" or "search" or "dialog")
        {
            return true;
        }

        var names = $"{element.Id} {element.ClassName}";
        return names.Length > 1 && BoilerplateName().IsMatch(names);
    }

    /// <summary>Whitespace runs become one space (HTML's own collapsing), trimmed.</summary>
    internal static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"(?:^|[\s_-])(?:ads?|advert\w*|banners?|sponsor\w*|promo\w*|menus?|navbar|nav|sidebar|side-bar|cookies?|consent|gdpr|share|social|breadcrumbs?|related|popup|modal|newsletter|subscribe)(?:$|[\s_-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BoilerplateName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>One walk over a body: the current block's text, the blocks since the last image, the items so far.</summary>
    private sealed class Walk(Uri? baseUrl)
    {
        private readonly StringBuilder _line = new();
        private readonly List<string> _blocks = [];

        public List<PageItem> Items { get; } = [];

        public SortedDictionary<string, int> Removed { get; } = new(StringComparer.Ordinal);

        public void Visit(INode node)
        {
            switch (node)
            {
                case IText text:
                    // Newlines in the source are whitespace; only <br> and block boundaries break lines.
                    _line.Append(text.Data.Replace('\r', ' ').Replace('\n', ' '));
                    return;
                case IElement element when IsBoilerplate(element):
                    Count($"boilerplate.{element.LocalName}");
                    return;
                case IHtmlImageElement image:
                    Image(image);
                    return;
                case IHtmlVideoElement video:
                    Video(video);
                    return;
                case IElement { LocalName: "br" }:
                    _line.Append('\n');
                    return;
                case IElement { LocalName: "pre" } pre:
                    FlushLine();
                    _blocks.Add(pre.TextContent.TrimEnd());
                    return;
                case IElement element:
                    var block = Blocks.Contains(element.LocalName);
                    if (block)
                    {
                        FlushLine();
                    }

                    foreach (var child in element.ChildNodes)
                    {
                        Visit(child);
                    }

                    if (block)
                    {
                        FlushLine();
                    }

                    return;
            }
        }

        public void FlushText()
        {
            FlushLine();
            if (_blocks.Count > 0)
            {
                Items.Add(new PageItem(string.Join('\n', _blocks)));
                _blocks.Clear();
            }
        }

        private void Count(string what) => Removed[what] = Removed.GetValueOrDefault(what) + 1;

        private void FlushLine()
        {
            var lines = _line.ToString().Split('\n').Select(Normalize).Where(line => line.Length > 0);
            var text = string.Join('\n', lines);
            if (text.Length > 0)
            {
                _blocks.Add(text);
            }

            _line.Clear();
        }

        /// <summary>
        /// A &lt;video&gt;: its src, else its first &lt;source&gt; whose type is a video type or absent (HTML's resource
        /// selection order). Its title or aria-label stands as alt text, a figure's figcaption as caption.
        /// </summary>
        private void Video(IHtmlVideoElement video)
        {
            var source = video.GetAttribute("src");
            if (string.IsNullOrWhiteSpace(source))
            {
                source = video.Children.OfType<IHtmlSourceElement>()
                    .Where(candidate => string.IsNullOrWhiteSpace(candidate.Type) || candidate.Type.StartsWith("video/", StringComparison.OrdinalIgnoreCase))
                    .Select(candidate => candidate.GetAttribute("src"))
                    .FirstOrDefault(src => !string.IsNullOrWhiteSpace(src));
            }

            var url = string.IsNullOrWhiteSpace(source) ? null : ImageUrls.Resolve(source, baseUrl);
            if (url is null || url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                Count("videos.no_usable_url");
                return;
            }

            FlushText();
            var caption = video.Closest("figure")?.QuerySelector("figcaption")?.TextContent;
            var alt = video.GetAttribute("title") ?? video.GetAttribute("aria-label");
            Items.Add(new PageItem(
                null,
                Alt: string.IsNullOrWhiteSpace(alt) ? null : Normalize(alt),
                Caption: string.IsNullOrWhiteSpace(caption) ? null : Normalize(caption),
                VideoUrl: url));
        }

        private void Image(IHtmlImageElement image)
        {
            var source = ImageUrls.Choose(image.GetAttribute("src") ?? image.GetAttribute("data-src"), image.GetAttribute("srcset") ?? image.GetAttribute("data-srcset"));
            var url = source is null ? null : ImageUrls.Resolve(source, baseUrl);
            if (url is null)
            {
                Count("images.no_usable_url");
                return;
            }

            FlushText();
            var figure = image.Closest("figure");
            var caption = figure?.QuerySelector("figcaption")?.TextContent;
            var alt = image.AlternativeText;
            Items.Add(new PageItem(
                null,
                url,
                string.IsNullOrWhiteSpace(alt) ? null : Normalize(alt),
                string.IsNullOrWhiteSpace(caption) ? null : Normalize(caption)));
        }
    }
}
