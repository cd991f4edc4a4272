using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Interleaved.Html;
using DataForge.Interleaved.Warc;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Interleaved.Tests;

/// <summary>
/// Seeded mutational fuzzing of the web-archive path (WARC records, gzip members, HTTP responses, HTML extraction):
/// every input gives records or reasons, never an exception, and returns in time. Counts go to the test log;
/// bench/fuzz.sh runs the same for longer.
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper log)
{
    private static readonly string[] WarcTokens = ["WARC/1.1\r\n", "WARC/1.0\r\n", "Content-Length: ", "Content-Length: 99999999999\r\n", "Content-Length: -1\r\n", "\r\n\r\n", "WARC-Type: response\r\n", "HTTP/1.1 200 OK\r\n", "Content-Type: text/html; charset=", "Transfer-Encoding: chunked\r\n", "Content-Encoding: gzip\r\n", "<img src=\"", "<base href=\"", "&#x", "<!--"];
    private static readonly string[] HtmlTokens = ["<div>", "</div>", "<img src=\"", "data:image/png;base64,", "<meta charset=\"", "<base href=\"javascript:", "<table><tr><td>", "<script>", "<noscript>", "&#xD800;", "&#0;", "<svg><foreignObject>", "<template>", "\xC3", "\xFF\xFE"];

    /// <summary>
    /// The interleave stage itself, end to end, over mutated archives (plain and gzip) and pages: its own mapping of
    /// every reader's errors to rejects is what runs, and an exception that would end a task is a failure.
    /// </summary>
    [Fact]
    public async Task Mutated_web_archives_and_pages_run_through_the_interleave_stage_to_records_or_reasons()
    {
        var gz = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Samples, "warc", "shapes.warc.gz"));
        var plain = Decompress(gz);
        var pages = Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "html"), "*.html").Select(File.ReadAllBytes).ToList();
        JsonObject Options(string input) => new() { ["inputs"] = new JsonArray(input), ["keep_text_only"] = true };

        var raw = await Fuzzer.RunAsync("interleave stage (WARC)", [plain], 60, 11, StageFuzz.Target(InterleaveStage.Definition, "a.warc", Options), dictionary: WarcTokens);
        var compressed = await Fuzzer.RunAsync("interleave stage (WARC gzip)", [gz], 60, 12, StageFuzz.Target(InterleaveStage.Definition, "a.warc.gz", Options));
        var html = await Fuzzer.RunAsync("interleave stage (HTML)", pages, 60, 14, StageFuzz.Target(InterleaveStage.Definition, "page.html", Options), dictionary: HtmlTokens);

        raw.AssertNone(log);
        compressed.AssertNone(log);
        html.AssertNone(log);
    }

    /// <summary>The readers alone, at volume: records or reasons, never an exception but the documented FormatException of a response.</summary>
    [Fact]
    public async Task Mutated_web_archives_give_records_or_reasons()
    {
        var gz = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Samples, "warc", "shapes.warc.gz"));
        var plain = Decompress(gz);

        var raw = await Fuzzer.RunAsync("WARC", [plain], 400, 11, input => ReadAllAsync(input, gzip: false), allowed: e => e is FormatException, dictionary: WarcTokens);
        var compressed = await Fuzzer.RunAsync("WARC (gzip)", [gz], 400, 12, input => ReadAllAsync(input, gzip: true), allowed: e => e is FormatException);

        raw.AssertNone(log);
        compressed.AssertNone(log);
    }

    [Fact]
    public async Task Mutated_html_extracts_or_reports_without_exceptions()
    {
        var seeds = Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "html"), "*.html").Select(File.ReadAllBytes).ToList();
        var extractor = new HtmlExtractor();

        var report = await Fuzzer.RunAsync("HTML", seeds, 1500, 13, input =>
        {
            _ = extractor.Extract(input, "https://example.com/a/b.html", null);
            return Task.CompletedTask;
        }, allowed: e => e is FormatException, dictionary: HtmlTokens);

        report.AssertNone(log);
    }

    [Fact]
    public void Deeply_nested_html_is_refused_before_parsing_and_ordinary_nesting_is_not()
    {
        const int depth = 200_000;
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < depth; i++)
        {
            html.Append(i % 2 == 0 ? "<div>" : "<span>");
        }

        html.Append("deep text <img src=\"/x.png\">");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = Assert.Throws<FormatException>(() => new HtmlExtractor().Extract(Encoding.UTF8.GetBytes(html.ToString()), "https://example.com/", null));
        Assert.Contains("deeper than 1024", refused.Message, StringComparison.Ordinal);

        // Tag soup with omitted end tags, void elements and scripts full of '<' stays far below the limit.
        var soup = "<html><body>" + string.Concat(Enumerable.Repeat("<p>para<li>item<br><img src=a.png><td>cell<script>if (a<b) x='<div>';</script>", 5000)) + "<div><div>nested text</div></div>";
        Assert.Equal(-1, HtmlNesting.FirstOffsetBeyond(soup));
        var page = new HtmlExtractor().Extract(Encoding.UTF8.GetBytes(soup), "https://example.com/", null);
        Assert.Contains(page.Items, item => item.Text?.Contains("nested text", StringComparison.Ordinal) == true);
        Assert.True(HtmlNesting.FirstOffsetBeyond(string.Concat(Enumerable.Repeat("<div>", 1025))) > 0);
        Assert.Equal(-1, HtmlNesting.FirstOffsetBeyond(string.Concat(Enumerable.Repeat("<div>", 1024))));

        // HTML ignores the slash of <div/> (only void and foreign elements self-close): 1025 of them nest 1025 deep,
        // while inside <svg> a thousand <path/> elements do close.
        Assert.True(HtmlNesting.FirstOffsetBeyond(string.Concat(Enumerable.Repeat("<div/>", 1025))) > 0);
        Assert.Equal(-1, HtmlNesting.FirstOffsetBeyond("<svg viewBox=\"0 0 1 1\">" + string.Concat(Enumerable.Repeat("<path d=\"M0 0\"/>", 5000)) + "</svg>" + string.Concat(Enumerable.Repeat("<br/>", 5000))));
    }

    [Theory]
    [InlineData("br", "does not decode")]
    [InlineData("gzip", "decodes to more than 64 MiB")]
    public void A_damaged_or_exploding_content_encoding_is_a_format_error_not_a_crash_or_gigabytes(string encoding, string expected)
    {
        byte[] body;
        if (encoding == "gzip")
        {
            using var packed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 80; i++)
                {
                    gzip.Write(zeros); // 80 MiB of zeros in about 80 KB
                }
            }

            body = packed.ToArray();
        }
        else
        {
            body = [.. Enumerable.Repeat<byte[]>([0xFF, 0xFE, .. Encoding.ASCII.GetBytes(" not brotli at all")], 20).SelectMany(bytes => bytes)];
        }

        var block = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {encoding}\r\n\r\n").Concat(body).ToArray();
        var error = Assert.Throws<FormatException>(() => HttpResponse.Parse(block));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_page_becomes_replacement_characters_not_an_exception()
    {
        var bytes = Encoding.UTF8.GetBytes("<html><body><p>caf\u00e9 ").Concat(new byte[] { 0xC3, 0x28, 0xA0, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0xED, 0xA0, 0x80 }).Concat(Encoding.UTF8.GetBytes(" end</p></body></html>")).ToArray();

        var page = new HtmlExtractor().Extract(bytes, "https://example.com/", "utf-8");

        var text = string.Concat(page.Items.Select(item => item.Text));
        Assert.Contains("caf\u00e9", text, StringComparison.Ordinal);
        Assert.Contains("\uFFFD", text, StringComparison.Ordinal);
        Assert.Contains("end", text, StringComparison.Ordinal);
    }

    /// <summary>Every record read and every response parsed; HttpResponse.Parse's FormatException is its documented error.</summary>
    private static async Task ReadAllAsync(byte[] input, bool gzip)
    {
        await foreach (var result in WarcReader.ReadAsync(new MemoryStream(input), gzip))
        {
            if (result.Record is { IsHttpResponse: true } record)
            {
                _ = HttpResponse.Parse(record.Block);
            }
        }
    }

    private static byte[] Decompress(byte[] gz)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }
}
