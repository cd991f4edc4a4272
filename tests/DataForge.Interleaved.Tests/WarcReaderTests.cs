using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CsCheck;
using DataForge.Interleaved.Warc;
using DataForge.Testing;

namespace DataForge.Interleaved.Tests;

/// <summary>
/// The WARC reader on files written by warcio.js (Webrecorder), an independent WARC implementation:
/// tests/warc-reference/make-warcs.mjs made them.
/// </summary>
public sealed class WarcReaderTests
{
    private static string Reference(string name) => Path.Combine(RepositoryRoot.Path, "tests", "warc-reference", name);

    private static async Task<List<WarcReadResult>> ReadAsync(string name)
    {
        await using var file = File.OpenRead(Reference(name));
        return await WarcReader.ReadAsync(file, gzip: name.EndsWith(".gz", StringComparison.Ordinal)).ToListAsync();
    }

    [Theory]
    [InlineData("pages.warc.gz", "WARC/1.1")]
    [InlineData("pages.warc", "WARC/1.0")]
    public async Task Every_record_of_a_warcio_archive_is_read_with_its_fields(string name, string version)
    {
        var results = await ReadAsync(name);

        Assert.All(results, result => Assert.Null(result.ErrorReason));
        var records = results.Select(result => result.Record!).ToList();
        Assert.Equal(
            ["warcinfo", "request", "response", "response", "response", "response", "response", "response", "response", "response", "metadata", "revisit", "response"],
            records.Select(record => record.Type));
        Assert.All(records, record => Assert.Equal(version, record.Version));
        Assert.Equal("http://shapes.example.org/page0.html", records[2].TargetUri);
        Assert.True(records[2].IsHttpResponse);
        Assert.False(records[0].IsHttpResponse);
        Assert.All(records, record => Assert.Equal(record.Block.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), record.Field("content-length")));
        // Offsets grow and each points at a record start in the decompressed archive.
        Assert.Equal(records.Select(record => record.Offset).Order(), records.Select(record => record.Offset));
    }

    [Fact]
    public async Task Http_responses_come_out_dechunked_and_decoded()
    {
        var records = (await ReadAsync("pages.warc.gz")).Select(result => result.Record!).Where(record => record.IsHttpResponse).ToList();
        var page = HttpResponse.Parse(records.Single(record => record.TargetUri!.EndsWith("page0.html", StringComparison.Ordinal)).Block);
        Assert.Equal((200, "text/html", "utf-8"), (page.Status, page.MediaType, page.Charset));
        Assert.Contains("混合专家模型 in UTF-8.", Encoding.UTF8.GetString(page.Body), StringComparison.Ordinal);

        var chunked = HttpResponse.Parse(records.Single(record => record.TargetUri!.EndsWith("gbk.html", StringComparison.Ordinal)).Block);
        Assert.EndsWith("</html>", Encoding.Latin1.GetString(chunked.Body).TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("<html><head><meta charset=\"gbk\">", Encoding.Latin1.GetString(chunked.Body), StringComparison.Ordinal);

        var zipped = HttpResponse.Parse(records.Single(record => record.TargetUri!.EndsWith("zipped.html", StringComparison.Ordinal)).Block);
        Assert.Contains("Served with gzip content encoding.", Encoding.UTF8.GetString(zipped.Body), StringComparison.Ordinal);

        var image = HttpResponse.Parse(records.Single(record => record.TargetUri!.EndsWith("page0-figure0.jpg", StringComparison.Ordinal)).Block);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "html", "img", "page0-figure0.jpg")), image.Body);
    }

    [Fact]
    public async Task A_truncated_final_record_is_reported_after_every_record_before_it()
    {
        var results = await ReadAsync("truncated.warc.gz");

        Assert.Equal(12, results.Count(result => result.Record is not null));
        var last = results[^1];
        Assert.Null(last.Record);
        Assert.Equal("warc.truncated", last.ErrorReason);
    }

    [Fact]
    public async Task A_malformed_record_is_reported_and_reading_resumes_at_the_next_record()
    {
        var good = await File.ReadAllBytesAsync(Reference("pages.warc"));
        var damaged = Encoding.ASCII.GetBytes("WARC/1.1\r\nWARC-Type: response\r\nno colon here\r\n\r\ngarbage block\r\n\r\n").Concat(good).ToArray();

        var results = await WarcReader.ReadAsync(new MemoryStream(damaged), gzip: false).ToListAsync();

        Assert.Equal("warc.invalid_header", results[0].ErrorReason);
        Assert.Equal(13, results.Count(result => result.Record is not null));
    }

    [Fact]
    public async Task Arbitrary_bytes_never_throw_they_become_records_or_reasons() =>
        await Gen.Byte.Array[0, 600].SampleAsync(
            async bytes =>
            {
                var withHeader = Encoding.ASCII.GetBytes("WARC/1.0\r\nContent-Length: 5\r\n\r\n").Concat(bytes).ToArray();
                foreach (var input in new[] { bytes, withHeader })
                {
                    foreach (var gzip in new[] { false, true })
                    {
                        var results = await WarcReader.ReadAsync(new MemoryStream(input), gzip).ToListAsync();
                        Assert.All(results, result => Assert.True(result.Record is not null || result.ErrorReason is not null));
                    }
                }
            },
            iter: 300);

    [Fact]
    public void Malformed_http_blocks_are_format_errors_with_the_reason()
    {
        Assert.Contains("no end of headers", Assert.Throws<FormatException>(() => HttpResponse.Parse("HTTP/1.1 200 OK\r\nContent-Type: text/html"u8.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("not an HTTP status line", Assert.Throws<FormatException>(() => HttpResponse.Parse("hello\r\n\r\nbody"u8.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("bad chunk size", Assert.Throws<FormatException>(() => HttpResponse.Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"u8.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("does not decode", Assert.Throws<FormatException>(() => HttpResponse.Parse("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip"u8.ToArray())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_warc_of_concatenated_members_reads_like_the_plain_one()
    {
        var plain = await File.ReadAllBytesAsync(Reference("pages.warc"));
        var plainRecords = await WarcReader.ReadAsync(new MemoryStream(plain), gzip: false).ToListAsync();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        var gzipRecords = await WarcReader.ReadAsync(new MemoryStream(compressed.ToArray()), gzip: true).ToListAsync();
        Assert.Equal(plainRecords.Select(result => Convert.ToHexString(result.Record!.Block)), gzipRecords.Select(result => Convert.ToHexString(result.Record!.Block)));
    }

    /// <summary>
    /// warctools' record-terminator test, every separator it accepts (tests/warc-reference/warctools, extracted from
    /// its test_warctools.py by make_terminators.py): both records come out, as warctools reads them, with no reject;
    /// and the same records as gzip members, as warctools wrote them.
    /// </summary>
    [Fact]
    public async Task Every_record_terminator_warctools_accepts_gives_both_records_and_no_reject()
    {
        using var reference = JsonDocument.Parse(await File.ReadAllTextAsync(Reference(Path.Combine("warctools", "terminators.json"))));
        var root = reference.RootElement;
        var (first, second) = (root.GetProperty("record1").GetBytesFromBase64(), root.GetProperty("record2").GetBytesFromBase64());
        var expected = root.GetProperty("expected").EnumerateArray().ToList();
        var archives = root.GetProperty("terminators").EnumerateArray()
            .Select(terminator => terminator.GetBytesFromBase64())
            .Select(terminator => (Name: Convert.ToHexString(terminator), Bytes: first.Concat(terminator).Concat(second).Concat(terminator).ToArray(), Gzip: false))
            .Append(("gzip members", root.GetProperty("records_gz").GetBytesFromBase64(), true))
            .ToList();
        Assert.Equal(16, archives.Count);
        foreach (var (name, bytes, gzip) in archives)
        {
            var results = await WarcReader.ReadAsync(new MemoryStream(bytes), gzip).ToListAsync();
            Assert.True(results.All(result => result.Record is not null), $"{name}: {string.Join("; ", results.Select(result => result.ErrorMessage))}");
            Assert.Equal(expected.Count, results.Count);
            for (var index = 0; index < expected.Count; index++)
            {
                var record = results[index].Record!;
                Assert.Equal(expected[index].GetProperty("type").GetString(), record.Type);
                Assert.Equal(expected[index].GetProperty("content_type").GetString(), record.ContentType);
                Assert.Equal(expected[index].GetProperty("content").GetBytesFromBase64(), record.Block);
            }
        }
    }

    [Theory]
    [InlineData("a junk line\r\n", "WARC/1.1")]
    [InlineData("\uFEFF", "WARC/1.0")]
    [InlineData("", "WARC/0.18")]
    [InlineData("", "WARC/0.17")]
    [InlineData("WARC/1.1\r\nContent-Length: x\r\n\r\n", "WARC/1.0")]
    public async Task A_record_right_after_a_bad_line_a_byte_order_mark_or_in_a_draft_version_is_read(string before, string version)
    {
        var record = $"{version}\r\nWARC-Type: resource\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
        var results = await WarcReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(before + record + record)), gzip: false).ToListAsync();

        Assert.Equal(2, results.Count(result => result.Record is { Type: "resource" } found && found.Block.SequenceEqual("hello"u8.ToArray())));
        Assert.Equal(before.Contains('W', StringComparison.Ordinal) || before.StartsWith('a') ? 1 : 0, results.Count(result => result.ErrorReason is not null));
    }

    /// <summary>warcio's test_example_warc_resource: the record types of its example-resource.warc.gz, in order.</summary>
    [Fact]
    public async Task The_record_types_of_warcio_s_resource_example_are_the_ones_warcio_expects()
    {
        await using var archive = File.OpenRead(Reference(Path.Combine("warcio", "example-resource.warc.gz")));
        var results = await WarcReader.ReadAsync(archive, gzip: true).ToListAsync();
        Assert.Equal(["warcinfo", "warcinfo", "resource"], results.Select(result => result.Record?.Type));
    }

    private static readonly string[] WarcioExampleTypes = ["warcinfo", "warcinfo", "response", "request", "revisit", "request"];

    [Fact]
    public async Task Warcio_s_gzip_example_gives_the_record_types_warcio_expects()
    {
        var bytes = await File.ReadAllBytesAsync(Reference(Path.Combine("warcio", "example.warc.gz")));
        var results = await WarcReader.ReadAsync(new MemoryStream(bytes), gzip: true).ToListAsync();
        Assert.Equal(WarcioExampleTypes, results.Select(result => result.Record?.Type));
    }

    /// <summary>
    /// jwarc's rule: an archive cut at any length is an error, never a clean end. Every clip of warcio's example, from
    /// the first byte to the last (except exactly between members), gives the records before the cut and then
    /// warc.truncated (or warc.corrupt); .NET's GZipStream read many of these as a clean, shorter archive.
    /// </summary>
    [Fact]
    public async Task A_gzip_archive_cut_at_any_length_ends_with_a_reason_after_the_records_before_the_cut()
    {
        var bytes = await File.ReadAllBytesAsync(Reference(Path.Combine("warcio", "example.warc.gz")));
        // A cut exactly between two members leaves a whole, shorter archive: nothing can tell it from one written so.
        var memberStarts = Enumerable.Range(1, bytes.Length - 3).Where(i => bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 0x08).ToHashSet();
        var silent = new List<int>();
        for (var length = 1; length < bytes.Length; length++)
        {
            if (memberStarts.Contains(length))
            {
                continue;
            }

            var results = await WarcReader.ReadAsync(new MemoryStream(bytes[..length]), gzip: true).ToListAsync();
            var records = results.TakeWhile(result => result.Record is not null).Select(result => result.Record!.Type).ToList();
            Assert.Equal(WarcioExampleTypes.Take(records.Count), records);
            if (results.Count == records.Count || results[records.Count].ErrorReason is not ("warc.truncated" or "warc.corrupt"))
            {
                silent.Add(length);
            }
        }

        Assert.True(silent.Count == 0, $"{silent.Count} clip lengths ended without a reason, e.g. {string.Join(", ", silent.Take(10))}");
    }

    [Fact]
    public async Task A_damaged_gzip_member_is_reported_and_the_members_after_it_are_read()
    {
        var bytes = await File.ReadAllBytesAsync(Reference(Path.Combine("warcio", "example.warc.gz")));
        var starts = Enumerable.Range(0, bytes.Length - 2).Where(i => bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 0x08).ToList();
        Assert.True(starts.Count >= WarcioExampleTypes.Length);
        var damaged = (byte[])bytes.Clone();
        var third = starts[2];
        for (var i = third + 20; i < third + 40; i++)
        {
            damaged[i] ^= 0x5a; // inside the response record's deflate data
        }

        var results = await WarcReader.ReadAsync(new MemoryStream(damaged), gzip: true).ToListAsync();
        Assert.Equal(["warcinfo", "warcinfo"], results.Take(2).Select(result => result.Record?.Type));
        Assert.Contains(results.Skip(2), result => result.ErrorReason == "warc.corrupt");
        Assert.Equal(WarcioExampleTypes[3..], results.Where(result => result.Record is not null).Skip(2).Select(result => result.Record!.Type));
    }

    [Fact]
    public async Task An_empty_gzip_archive_is_truncated_not_an_empty_archive()
    {
        var results = await WarcReader.ReadAsync(new MemoryStream([]), gzip: true).ToListAsync();
        Assert.Equal("warc.truncated", Assert.Single(results).ErrorReason);
        Assert.Empty(await WarcReader.ReadAsync(new MemoryStream([]), gzip: false).ToListAsync());
    }
}
