using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace DataForge.Interleaved.Tests;

/// <summary>The interleave stage through the runner, on warcio archives and on HTML folders made here.</summary>
public sealed class InterleaveStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed record Outcome(List<Sample> Samples, List<(string Input, string Reason)> Rejects, SampleSetManifest Manifest);

    private async Task<Outcome> RunAsync(string input, JsonObject? options = null, int tasks = 1, string output = "out")
    {
        var spec = new PipelineSpec(
            "interleave-test",
            [input],
            _temp.Combine(output),
            [new StageSpec("interleave", options ?? [], new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))],
            tasks,
            "/");
        var result = await PipelineRuns.RunAsync(spec, [InterleaveStage.Definition]);
        var set = new LocalStorage(_temp.Combine(output));
        var samples = await SampleSetReader.ReadAsync(set).ToListAsync();
        var rejects = new List<(string, string)>();
        foreach (var file in Directory.Exists(_temp.Combine(output, "rejects")) ? Directory.GetFiles(_temp.Combine(output, "rejects")).Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>())
        {
            foreach (var line in File.ReadLines(file))
            {
                var reject = JsonNode.Parse(line)!;
                rejects.Add((reject["input"]!.GetValue<string>(), reject["reason"]!.GetValue<string>()));
            }
        }

        return new Outcome(samples, rejects, result.Manifest!);
    }

    private static byte[] Picture(int width, int height, SKColor colour, int seed)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour);
            var random = new Random(seed);
            for (var i = 0; i < 12; i++)
            {
                using var paint = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) };
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(10, 60), paint);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public async Task A_warcio_archive_gives_page_ordered_documents_and_counts_every_skipped_thing()
    {
        // Chinese says more per character: the GBK page has 24 characters of text.
        var outcome = await RunAsync(Path.Combine(RepositoryRoot.Path, "tests", "warc-reference", "pages.warc.gz"), new JsonObject { ["min_text_chars"] = 20 });

        Assert.Equal(2, outcome.Samples.Count);
        var page = outcome.Samples.Single(sample => sample.MetaObject()["url"]!.GetValue<string>().EndsWith("page0.html", StringComparison.Ordinal));
        Assert.Equal(["text", "image", "text", "image", "text"], page.Parts.Select(part => part.Kind));
        Assert.Equal("Shapes and colours\nA figure with a relative URL:", ((TextPart)page.Parts[0]).Text);
        Assert.DoesNotContain(page.Parts.OfType<TextPart>(), part => part.Text.Contains("Home", StringComparison.Ordinal) || part.Text.Contains("©", StringComparison.Ordinal));
        var images = page.MetaObject()["images"]!.AsArray();
        Assert.Equal(["http://shapes.example.org/img/page0-figure0.jpg", "http://shapes.example.org/img/page0-figure1.jpg"], images.Select(image => image!["url"]!.GetValue<string>()));
        Assert.Equal("a red circle", images[0]!["alt"]!.GetValue<string>());
        var first = (ImagePart)page.Parts[1];
        using (var decoded = SKBitmap.Decode(Path.Combine(RepositoryRoot.Path, "samples", "html", "img", "page0-figure0.jpg")))
        {
            Assert.Equal((decoded.Width, decoded.Height), (first.Width, first.Height));
        }

        var gbk = outcome.Samples.Single(sample => sample.MetaObject()["url"]!.GetValue<string>().EndsWith("gbk.html", StringComparison.Ordinal));
        Assert.Equal("这是一个用GBK编码的中文网页。", ((TextPart)gbk.Parts[0]).Text);

        Assert.Contains(("http://shapes.example.org/pixel.gif", "image.too_small"), outcome.Rejects);
        Assert.Contains(outcome.Rejects, reject => reject.Reason == "document.no_image" && reject.Input.EndsWith("pages.warc.gz@2572", StringComparison.Ordinal));
        Assert.Equal(2, outcome.Rejects.Count(reject => reject.Reason == "document.no_image"));
        var stats = outcome.Manifest.StageStats["00-interleave"];
        Assert.Equal(4, stats["pages.read"]);
        Assert.Equal(2, stats["documents.kept"]);
        Assert.Equal(1, stats["responses.other_payloads"]);
        Assert.Equal(1, stats["records.request"]);
        Assert.Equal(1, stats["records.revisit"]);
        Assert.Equal((1, 1), (stats["removed.boilerplate.nav"], stats["removed.boilerplate.footer"]));
    }

    [Fact]
    public async Task A_truncated_archive_keeps_every_page_before_the_cut_and_rejects_the_rest()
    {
        var outcome = await RunAsync(Path.Combine(RepositoryRoot.Path, "tests", "warc-reference", "truncated.warc.gz"), new JsonObject { ["min_text_chars"] = 20 });
        Assert.Equal(2, outcome.Samples.Count);
        Assert.Contains(outcome.Rejects, reject => reject.Reason == "warc.truncated" && reject.Input.Contains("truncated.warc.gz@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Frequent_images_near_copies_data_uris_and_missing_files_are_handled_in_an_html_folder()
    {
        var site = _temp.Combine("site");
        Directory.CreateDirectory(Path.Combine(site, "img"));
        await File.WriteAllBytesAsync(Path.Combine(site, "img", "logo.png"), Picture(300, 200, SKColors.Black, 1));
        var inline = Convert.ToBase64String(Picture(200, 200, SKColors.Green, 99));
        for (var i = 0; i < 12; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(site, "img", $"photo{i}.png"), Picture(320, 240, SKColors.White, 100 + i));
            var extra = i == 0 ? $"""<img src="data:image/png;base64,{inline}" alt="inline"><img src="img/missing.png">""" : string.Empty;
            var again = i == 1 ? """<p>The same photo once more:</p><img src="img/photo1.png">""" : string.Empty;
            await File.WriteAllTextAsync(Path.Combine(site, $"page{i:D2}.html"), $"""
                <html><head><title>Page {i}</title></head><body><div class="logo"><img src="img/logo.png"></div>
                <p>Paragraph {i} of a page long enough to pass the text filter of the interleave stage.</p>
                <img src="img/photo{i}.png" alt="photo {i}">{again}{extra}<p>Closing words.</p></body></html>
                """);
        }

        var outcome = await RunAsync(site);

        Assert.Equal(12, outcome.Samples.Count);
        Assert.Equal(12, outcome.Rejects.Count(reject => reject.Reason == "image.frequent" && reject.Input.EndsWith("logo.png", StringComparison.Ordinal)));
        Assert.Single(outcome.Rejects, reject => reject.Reason == "image.near_duplicate");
        Assert.Single(outcome.Rejects, reject => reject.Reason == "image.not_found" && reject.Input.EndsWith("missing.png", StringComparison.Ordinal));
        var first = outcome.Samples.Single(sample => sample.Source.EndsWith("page00.html", StringComparison.Ordinal));
        Assert.Equal(2, first.Parts.OfType<ImagePart>().Count());
        Assert.Equal("data:", first.MetaObject()["images"]![1]!["url"]!.GetValue<string>());
        Assert.All(outcome.Samples, sample => Assert.DoesNotContain(sample.Parts, part => part is ImagePart { Width: 300, Height: 200 }));
        Assert.Equal(12 + 1, outcome.Manifest.StageStats["00-interleave"]["images.kept"]);
    }

    [Fact]
    public async Task Text_only_documents_are_kept_when_asked_and_images_are_reencoded_to_fit()
    {
        var site = _temp.Combine("site2");
        Directory.CreateDirectory(site);
        await File.WriteAllBytesAsync(Path.Combine(site, "big.png"), Picture(1200, 900, SKColors.Blue, 5));
        await File.WriteAllTextAsync(Path.Combine(site, "a.html"), "<html><body><p>A page with one big picture and enough words to count as a document.</p><img src=\"big.png\"></body></html>");
        await File.WriteAllTextAsync(Path.Combine(site, "b.html"), "<html><body><p>A page with no picture at all but enough words to count as a document.</p></body></html>");

        var outcome = await RunAsync(site, new JsonObject { ["keep_text_only"] = true, ["reencode_max_side"] = 600 });

        Assert.Equal(2, outcome.Samples.Count);
        var image = outcome.Samples.SelectMany(sample => sample.Parts).OfType<ImagePart>().Single();
        Assert.Equal((600, 450, "image/jpeg"), (image.Width, image.Height, image.Media.Mime));

        var webp = await RunAsync(site, new JsonObject { ["reencode_max_side"] = 300, ["reencode_format"] = "webp" }, output: "webp");
        var small = webp.Samples.SelectMany(sample => sample.Parts).OfType<ImagePart>().Single();
        Assert.Equal((300, 225, "image/webp"), (small.Width, small.Height, small.Media.Mime));
        var stored = await File.ReadAllBytesAsync(Directory.GetFiles(_temp.Combine("webp", "media"), "*.webp", SearchOption.AllDirectories).Single());
        using var decoded = SKBitmap.Decode(stored);
        Assert.Equal((300, 225), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Output_is_byte_identical_on_a_rerun_into_a_new_folder()
    {
        var input = Path.Combine(RepositoryRoot.Path, "samples", "html");
        await RunAsync(input, output: "a");
        await RunAsync(input, output: "b");
        Assert.Equal(Snapshot(_temp.Combine("a")), Snapshot(_temp.Combine("b")));
    }

    /// <summary>
    /// What the old test's name promised: split into tasks, the pages give the same samples (ids, parts and meta) as
    /// in one task; only the part files they are written to differ. Tasks bucket input files by path, and the
    /// per-task rules (frequent images, duplicates) do not bite on these pages.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Split_into_tasks_the_pages_give_the_same_samples_as_one_task(int tasks)
    {
        var input = Path.Combine(RepositoryRoot.Path, "samples", "html");
        var one = await RunAsync(input, output: "one");
        var split = await RunAsync(input, tasks: tasks, output: $"split-{tasks}");
        Assert.True(one.Samples.Count > 0);
        Assert.Equal(one.Samples.OrderBy(sample => sample.Id, StringComparer.Ordinal), split.Samples.OrderBy(sample => sample.Id, StringComparer.Ordinal));
        Assert.Equal(one.Rejects.Order(), split.Rejects.Order());
    }

    private static List<(string Path, string Bytes)> Snapshot(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(file => (Path.GetRelativePath(folder, file), Convert.ToHexString(File.ReadAllBytes(file))))];

    /// <summary>
    /// warcio's example-resource.warc.gz (tests/warc-reference/warcio): example.com's page archived as a resource
    /// record, without HTTP. It used to give nothing; its text is a document now (text-only: the page has no image).
    /// </summary>
    [Fact]
    public async Task An_HTML_page_in_a_resource_record_becomes_a_document()
    {
        var file = Path.Combine(RepositoryRoot.Path, "tests", "warc-reference", "warcio", "example-resource.warc.gz");
        var outcome = await RunAsync(file, new JsonObject { ["keep_text_only"] = true, ["min_text_chars"] = 20 });

        var sample = Assert.Single(outcome.Samples);
        var text = string.Concat(sample.Parts.OfType<TextPart>().Select(part => part.Text));
        Assert.Contains("Example Domain", text, StringComparison.Ordinal);
        Assert.Equal("http://example.com/", sample.MetaObject()["url"]!.GetValue<string>());
    }
}
