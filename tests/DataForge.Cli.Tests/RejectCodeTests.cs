using System.Net;
using System.Text;
using System.Text.Json;
using DataForge.Testing;
using SkiaSharp;

namespace DataForge.Cli.Tests;

/// <summary>
/// The reject codes no other test triggered (issue 18, item 11), each from an input made to give it, through the
/// real CLI: the reject must carry the code and the run must go on with the rest. RejectCodeCoverageTests fails when a
/// catalogued code is named by no test.
/// </summary>
public sealed class RejectCodeTests : IDisposable
{
    private const string Han = "\u4f60\u597d\u4e16\u754c\u4eca\u5929\u5929\u6c14\u5f88\u597d";
    private static readonly string Jpeg = Path.Combine(RepositoryRoot.Samples, "images", "scene-01.jpg");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<List<string>> RunAsync(string stages, string output = "out")
    {
        var pipeline = _temp.Combine($"{output}.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: codes\noutput: {output}\nstages:\n{stages}");
        var run = await CliProcess.RunAsync("run", pipeline);
        // A run whose every record is a reject is a failure that names its reasons (issue 22), with the rejects kept.
        Assert.True(run.ExitCode == 0 || (run.ExitCode == 1 && run.Stderr.Contains("nothing was produced: every record was rejected", StringComparison.Ordinal)), run.Stderr);
        var folder = _temp.Combine(output, "rejects");
        return !Directory.Exists(folder) ? [] : [.. Directory.GetFiles(folder, "*.jsonl").SelectMany(File.ReadLines).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString()!)];
    }

    private static byte[] Png(int width, int height, SKColor colour, Action<SKCanvas>? draw = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour);
            draw?.Invoke(canvas);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public async Task Image_codes_of_read_images_too_many_pixels_and_unsupported_format()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("imgs")).FullName;
        File.Copy(Jpeg, Path.Combine(folder, "big.jpg"));
        // An ICO holding a PNG (ICONDIR, one ICONDIRENTRY, the PNG): Skia decodes it, samples do not carry it.
        var png = Png(16, 16, SKColors.Red);
        var ico = new List<byte> { 0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0 };
        ico.AddRange(BitConverter.GetBytes(png.Length));
        ico.AddRange(BitConverter.GetBytes(22));
        ico.AddRange(png);
        await File.WriteAllBytesAsync(Path.Combine(folder, "icon.png"), [.. ico]);

        var reasons = await RunAsync("  - read-images:\n      inputs: [imgs]\n      max_pixels: 100000\n  - write\n");

        Assert.Contains("image.too_many_pixels", reasons); // 477x374 = 178 398 pixels
        Assert.Contains("image.unsupported_format", reasons);
    }

    [Fact]
    public async Task Seg2edit_codes_size_mismatch_no_distinct_colour_no_surroundings_and_no_visible_change()
    {
        var images = Directory.CreateDirectory(_temp.Combine("coco", "images")).FullName;
        File.Copy(Jpeg, Path.Combine(images, "wrong-size.jpg"));
        // A red square on grey: with red the only colour, nothing paints or highlights it in a colour of another name.
        await File.WriteAllBytesAsync(Path.Combine(images, "red.png"), Png(200, 200, SKColors.Gray, canvas => canvas.DrawRect(50, 50, 100, 100, new SKPaint { Color = SKColors.Red })));
        // A uniform image: removing a patch of it changes nothing visible; an object over all of it has no surroundings.
        await File.WriteAllBytesAsync(Path.Combine(images, "flat.png"), Png(200, 200, SKColors.Gray));
        static object Box(int id, int image, int x, int y, int side) => new
        {
            id,
            image_id = image,
            category_id = 1,
            iscrowd = 0,
            area = side * side,
            bbox = new[] { x, y, side, side },
            segmentation = new[] { new[] { x, y, x + side, y, x + side, y + side, x, y + side } },
        };
        var coco = new
        {
            images = new object[]
            {
                new { id = 1, file_name = "wrong-size.jpg", width = 640, height = 480 },
                new { id = 2, file_name = "red.png", width = 200, height = 200 },
                new { id = 3, file_name = "flat.png", width = 200, height = 200 },
            },
            annotations = new[] { Box(1, 1, 10, 10, 100), Box(2, 2, 50, 50, 100), Box(3, 3, 50, 50, 60), Box(4, 3, 0, 0, 200) },
            categories = new[] { new { id = 1, name = "cup" } },
        };
        await File.WriteAllTextAsync(_temp.Combine("coco", "instances.json"), JsonSerializer.Serialize(coco));

        var reasons = await RunAsync("  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n      colors: [red]\n      languages: [en]\n  - write\n");

        Assert.Contains("image.size_mismatch", reasons);
        Assert.Contains("color.no_distinct_color", reasons);
        Assert.Contains("edit.no_visible_change", reasons);
        Assert.Contains("remove.no_surroundings", reasons);
    }

    [Fact]
    public async Task Mask_folder_codes_invalid_row_path_outside_and_size_mismatch()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("masks")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.png"), Png(120, 100, SKColors.Gray, canvas => canvas.DrawRect(20, 20, 60, 50, new SKPaint { Color = SKColors.Blue })));
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.mask.png"), Png(120, 100, SKColors.Black, canvas => canvas.DrawRect(20, 20, 60, 50, new SKPaint { Color = SKColors.White })));
        await File.WriteAllBytesAsync(Path.Combine(folder, "small.mask.png"), Png(60, 50, SKColors.Black));
        await File.WriteAllBytesAsync(_temp.Combine("outside.mask.png"), Png(120, 100, SKColors.Black));
        await File.WriteAllTextAsync(Path.Combine(folder, "labels.tsv"), string.Join("\n",
            "image\tmask\tcategory\tvalue\tid",
            "a.png\ta.mask.png\tbox\t255\tgood",
            "a.png\t\tbox\t255\tno-mask",
            "a.png\t../outside.mask.png\tbox\t255\toutside",
            "a.png\tsmall.mask.png\tbox\t255\tsmall") + "\n");

        var reasons = await RunAsync("  - seg2edit:\n      inputs: [masks/labels.tsv]\n      ops: [highlight]\n      languages: [en]\n  - write\n");

        Assert.Contains("labels.invalid_row", reasons);
        Assert.Contains("mask.path_outside", reasons);
        Assert.Contains("mask.size_mismatch", reasons);
    }

    [Fact]
    public async Task Interleave_codes_too_little_text_too_many_images_and_a_record_larger_than_the_stage_holds()
    {
        var html = Directory.CreateDirectory(_temp.Combine("html")).FullName;
        foreach (var name in new[] { "scene-01.jpg", "scene-02.jpg", "scene-04.jpg" })
        {
            File.Copy(Path.Combine(RepositoryRoot.Samples, "images", name), Path.Combine(html, name));
        }

        var prose = string.Concat(Enumerable.Repeat("A long paragraph about the pictures below, with enough words to count. ", 6));
        await File.WriteAllTextAsync(Path.Combine(html, "short.html"), "<html><body><p>Too short.</p><img src=\"scene-01.jpg\"></body></html>");
        await File.WriteAllTextAsync(Path.Combine(html, "gallery.html"), $"<html><body><p>{prose}</p><img src=\"scene-01.jpg\"><img src=\"scene-02.jpg\"><img src=\"scene-04.jpg\"></body></html>");
        var reasons = await RunAsync("  - interleave:\n      inputs: [html]\n      max_images: 2\n  - write\n");
        Assert.Contains("document.too_little_text", reasons);
        Assert.Contains("document.too_many_images", reasons);

        // A WARC record larger than the 64 MiB a block may hold (sparse zeros) is skipped unread, and the record after
        // it is read; a page nested past the limit, and a response whose brotli body is damaged, are rejects too.
        var warc = _temp.Combine("big.warc");
        const long BlockBytes = 70_000_000;
        await using (var file = File.Create(warc))
        {
            await file.WriteAsync(Encoding.ASCII.GetBytes($"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/big\r\nContent-Length: {BlockBytes}\r\n\r\n"));
            file.SetLength(file.Length + BlockBytes);
            file.Seek(0, SeekOrigin.End);
            await file.WriteAsync(Encoding.ASCII.GetBytes("\r\n\r\n"));
            await file.WriteAsync(Record("http://example.com/deep", Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + prose + "</p>" + string.Concat(Enumerable.Repeat("<div/>", 1100)))));
            await file.WriteAsync(Record("http://example.com/brotli", [.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\n"), .. Enumerable.Repeat<byte[]>([0xFF, 0xFE, .. Encoding.ASCII.GetBytes(" not brotli")], 20).SelectMany(bytes => bytes)]));
        }

        var archived = await RunAsync("  - interleave:\n      inputs: [big.warc]\n      keep_text_only: true\n  - write\n", "warc");
        Assert.Contains("warc.record_too_large", archived);
        Assert.Contains("html.too_deep", archived);
        Assert.Contains("http.invalid_response", archived);
    }

    private static byte[] Record(string uri, byte[] block) =>
        [.. Encoding.ASCII.GetBytes($"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {block.Length}\r\n\r\n"), .. block, .. "\r\n\r\n"u8.ToArray()];

    [Fact]
    public async Task Fetch_codes_failed_for_a_refused_connection_and_timeout_for_a_body_that_trickles()
    {
        using var server = new LoopbackHttpServer(async context =>
        {
            // Headers at once, then a byte every half second: only a deadline on the whole download ends it.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "image/jpeg";
            context.Response.SendChunked = true;
            try
            {
                for (var i = 0; i < 40; i++)
                {
                    await context.Response.OutputStream.WriteAsync(new byte[] { 0xFF });
                    await context.Response.OutputStream.FlushAsync();
                    await Task.Delay(500);
                }

                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The fetcher gave up and closed the connection, as it should.
            }
        });
        var html = Directory.CreateDirectory(_temp.Combine("html")).FullName;
        var prose = string.Concat(Enumerable.Repeat("A long paragraph about the pictures below, with enough words to count. ", 6));
        await File.WriteAllTextAsync(Path.Combine(html, "page.html"), $"<html><body><p>{prose}</p><img src=\"{server.BaseUrl}/slow.jpg\"><img src=\"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/gone.jpg\"></body></html>");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var reasons = await RunAsync("  - interleave:\n      inputs: [html]\n      fetch: true\n      fetch_allow_private: true\n      fetch_timeout_seconds: 2\n      fetch_retries: 0\n      keep_text_only: true\n  - write\n");

        Assert.Contains("fetch.timeout", reasons);
        Assert.Contains("fetch.failed", reasons);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the trickling download held the run {clock.Elapsed}");
    }

    [Fact]
    public async Task Asr_dialect_missing_pack_document_too_long_and_read_samples_media_corrupt()
    {
        var speech = Directory.CreateDirectory(_temp.Combine("s")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "hak-006.wav"), Path.Combine(speech, "a.wav"));
        await File.WriteAllTextAsync(Path.Combine(speech, "m.tsv"), $"audio\ttext\tspeaker\na.wav\t{Han}\ts1\n");
        Assert.Contains("dialect.missing", await RunAsync("  - asr:\n      inputs: [s/m.tsv]\n  - write\n", "asr"));

        Directory.CreateDirectory(_temp.Combine("t"));
        await File.WriteAllTextAsync(_temp.Combine("t", "a.jsonl"), JsonSerializer.Serialize(new { text = string.Concat(Enumerable.Repeat("word ", 400)) }) + "\n" + JsonSerializer.Serialize(new { text = "short text" }) + "\n");
        Assert.Contains("pack.document_too_long", await RunAsync("  - read-text:\n      inputs: [t]\n  - pack:\n      seq_len: 64\n      split_long_text: false\n      tokenizer: cl100k_base\n", "packed"));

        // A sample set whose stored image no longer hashes to its name: read-samples rejects the sample.
        var images = Directory.CreateDirectory(_temp.Combine("imgs")).FullName;
        File.Copy(Jpeg, Path.Combine(images, "a.jpg"));
        await RunAsync("  - read-images:\n      inputs: [imgs]\n  - write\n", "set");
        var medium = Directory.GetFiles(_temp.Combine("set", "media"), "*", SearchOption.AllDirectories).Single();
        await File.AppendAllTextAsync(medium, "tampered");
        Assert.Contains("media.corrupt", await RunAsync("  - read-samples:\n      inputs: [set]\n  - write\n", "copy"));
    }

    [Fact]
    public async Task An_image_part_declaring_a_size_its_image_does_not_have_is_media_size_mismatch()
    {
        var images = Directory.CreateDirectory(_temp.Combine("imgs")).FullName;
        File.Copy(Jpeg, Path.Combine(images, "a.jpg"));
        File.Copy(Path.Combine(RepositoryRoot.Samples, "images", "scene-02.jpg"), Path.Combine(images, "b.jpg"));
        await RunAsync("  - read-images:\n      inputs: [imgs]\n  - write\n", "set");

        // The same set as a tool from elsewhere might write it: one image part claims 1x1 (pack would count 4 tokens).
        var set = new DataForge.Core.Storage.LocalStorage(_temp.Combine("set"));
        var part = Directory.GetFiles(_temp.Combine("set"), "part-*.parquet").Single();
        var samples = await DataForge.Core.SampleSets.SampleSetReader.ReadFileAsync(set, Path.GetFileName(part)).ToListAsync();
        await using (var writer = await DataForge.Core.SampleSets.SampleSetWriter.CreateAsync(set, Path.GetFileName(part)))
        {
            for (var i = 0; i < samples.Count; i++)
            {
                var sample = samples[i];
                if (i == 0)
                {
                    var image = (DataForge.Core.Model.ImagePart)sample.Parts[0];
                    sample = new DataForge.Core.Model.Sample(sample.Id, sample.Source, sample.Parts.SetItem(0, image with { Width = 1, Height = 1 }), sample.Meta);
                }

                await writer.WriteAsync(sample);
            }

            await writer.CompleteAsync();
        }

        var reasons = await RunAsync("  - read-samples:\n      inputs: [set]\n  - write\n", "copy");

        Assert.Equal(["media.size_mismatch"], reasons);
    }
}
