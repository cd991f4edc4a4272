using System.Text;
using CsCheck;
using DataForge.Interleaved.Html;
using DataForge.Interleaved.Warc;
using DataForge.Testing;

namespace DataForge.Interleaved.Tests;

public sealed class HtmlExtractorTests
{
    private static readonly HtmlExtractor Extractor = new();

    private static ExtractedPage Extract(string html, string url = "http://example.org/dir/page.html") =>
        Extractor.Extract(Encoding.UTF8.GetBytes(html), url, "utf-8");

    [Fact]
    public void Text_and_images_come_in_reading_order_with_boilerplate_gone()
    {
        var page = Extract("""
            <html><head><title> A  title </title><style>p{}</style></head><body>
            <header><p>Site header</p></header><nav><a href="/">Home</a><img src="/logo.png"></nav>
            <div class="cookie-banner">We use cookies</div><div id="sidebar-left"><p>Popular posts</p></div>
            <article><h1>Heading</h1><p>First   paragraph
            with a line break.<br>After the break.</p>
            <figure><img src="a.jpg" alt=" An  alt "><figcaption>Figure 1. A caption.</figcaption></figure>
            <ul><li>one</li><li>two</li></ul><img class="ad-slot" src="/ad.gif"><script>var x = 1;</script>
            <p>Last words.</p></article><footer>© 2026</footer><form><input value="search"></form></body></html>
            """);

        Assert.Equal("A title", page.Title);
        Assert.Equal(3, page.Items.Count);
        Assert.Equal("Heading\nFirst paragraph with a line break.\nAfter the break.", page.Items[0].Text);
        Assert.Equal(("http://example.org/dir/a.jpg", "An alt", "Figure 1. A caption."), (page.Items[1].ImageUrl, page.Items[1].Alt, page.Items[1].Caption));
        Assert.Equal("Figure 1. A caption.\none\ntwo\nLast words.", page.Items[2].Text);
    }

    [Fact]
    public void Image_urls_resolve_from_srcset_base_and_data_uris()
    {
        var page = Extract("""
            <html><head><base href="http://cdn.example.org/assets/"></head><body>
            <img src="small.jpg" srcset="small.jpg 320w, /big/large.jpg 1280w, medium.jpg 640w">
            <img srcset="x1.png 1x, x2.png 2x">
            <img data-src="lazy.webp">
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
            <img src="javascript:alert(1)"><img src="">
            </body></html>
            """);

        Assert.Equal(
            ["http://cdn.example.org/big/large.jpg", "http://cdn.example.org/assets/x2.png", "http://cdn.example.org/assets/lazy.webp", "data:image/gif;base64,R0lGODlhAQABAAAAACw="],
            page.Items.Select(item => item.ImageUrl));
    }

    [Fact]
    public async Task A_GBK_page_from_the_archive_decodes_by_its_meta_charset()
    {
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "warc-reference", "pages.warc.gz"));
        var record = (await WarcReader.ReadAsync(file, gzip: true).ToListAsync()).Select(result => result.Record!).Single(record => record.TargetUri == "http://shapes.example.org/gbk.html");
        var response = HttpResponse.Parse(record.Block);

        var page = Extractor.Extract(response.Body, record.TargetUri!, response.Charset);

        Assert.Equal("形状", page.Title);
        Assert.Equal("这是一个用GBK编码的中文网页。", page.Items[0].Text);
        Assert.Equal(("http://shapes.example.org/img/page1-figure0.jpg", "蓝色三角形"), (page.Items[1].ImageUrl, page.Items[1].Alt));
        Assert.Equal("图像之后的文字。", page.Items[2].Text);
    }

    [Theory]
    [InlineData("gbk", "gb18030")]
    [InlineData("GB2312", "gb18030")]
    [InlineData("shift_jis", "shift_jis")]
    [InlineData("utf-8", "utf-8")]
    [InlineData("no-such-charset", null)]
    public void Charset_labels_resolve_to_encodings(string label, string? expected) =>
        Assert.Equal(expected, CharsetDetector.Resolve(label)?.WebName);

    [Fact]
    public void The_extractor_never_throws_on_arbitrary_bytes() =>
        Gen.OneOf(Gen.Byte.Array[0, 2000], Gen.String.Select(text => Encoding.UTF8.GetBytes($"<html><body><p>{text}<img src=\"{text}\" srcset=\"{text}\"></body>")))
            .Sample(bytes => Extractor.Extract(bytes, "http://example.org/", null), iter: 300);
}
