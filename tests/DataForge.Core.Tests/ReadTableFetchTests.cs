using System.Net;
using System.Text.Json.Nodes;
using DataForge.Core.Fetch;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;
using SkiaSharp;

namespace DataForge.Core.Tests;

/// <summary>read-table fetching url columns from a loopback server: images, 404, 429 with Retry-After, a slow body, HTML, a redirect to an address the guard refuses.</summary>
public sealed class ReadTableFetchTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly LoopbackHttpServer _server;
    private readonly Dictionary<string, int> _hits = [];

    public ReadTableFetchTests() => _server = new LoopbackHttpServer(ServeAsync);

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private static byte[] Picture(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(30, 120, 200));
            using var paint = new SKPaint { Color = SKColors.Yellow };
            canvas.DrawCircle(width / 3f, height / 2f, height / 4f, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private int Hits(string path)
    {
        lock (_hits)
        {
            return _hits.GetValueOrDefault(path);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        int hit;
        lock (_hits)
        {
            hit = _hits[path] = _hits.GetValueOrDefault(path) + 1;
        }

        var response = context.Response;
        switch (path)
        {
            case "/a.jpg":
                await response.OutputStream.WriteAsync(Picture(320, 240));
                break;
            case "/large.jpg":
                await response.OutputStream.WriteAsync(Picture(1600, 800));
                break;
            case "/busy.jpg" when hit == 1:
                response.StatusCode = 429;
                response.AddHeader("Retry-After", "1");
                break;
            case "/busy.jpg":
                await response.OutputStream.WriteAsync(Picture(64, 64));
                break;
            case "/page.jpg":
                response.ContentType = "text/html";
                await response.OutputStream.WriteAsync("<html><body>Not found, but 200</body></html>"u8.ToArray());
                break;
            case "/slow.jpg":
                response.SendChunked = true;
                await response.OutputStream.WriteAsync(Picture(64, 64).AsMemory(0, 10));
                await response.OutputStream.FlushAsync();
                await Task.Delay(5000);
                break;
            case "/hop.jpg":
                response.StatusCode = 302;
                response.RedirectLocation = $"http://127.0.0.2:{_server.Port}/a.jpg";
                break;
            default:
                response.StatusCode = 404;
                break;
        }

        response.Close();
    }

    [Fact]
    public async Task Url_images_are_fetched_resized_and_remembered_and_each_failure_has_its_reason()
    {
        var server = _server.BaseUrl;
        Directory.CreateDirectory(_temp.Combine("t"));
        await File.WriteAllLinesAsync(_temp.Combine("t", "laion.csv"), [
            "url,caption",
            $"{server}/a.jpg,a circle",
            $"{server}/large.jpg,a large circle",
            $"{server}/busy.jpg,asked to wait",
            $"{server}/gone.jpg,not there",
            $"{server}/page.jpg,an html page",
            $"{server}/slow.jpg,a body that stalls",
        ]);
        var options = new JsonObject
        {
            ["inputs"] = new JsonArray(_temp.Combine("t", "laion.csv")),
            ["fetch"] = true,
            ["fetch_allow_private"] = true,
            ["fetch_max_side"] = 400,
            ["fetch_timeout_seconds"] = 1.5,
            ["fetch_retries"] = 1,
            ["fetch_retry_base_ms"] = 1,
        };
        var output = _temp.Combine("out");
        var spec = new PipelineSpec("fetch", [], output, [new StageSpec("read-table", options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/");
        await PipelineRuns.RunAsync(spec, []);

        var samples = await SampleSetReader.ReadAsync(new LocalStorage(output)).ToListAsync();
        Assert.Equal(["a circle", "a large circle", "asked to wait"], samples.Select(sample => ((TextPart)sample.Parts[1]).Text));
        var large = (ImagePart)samples[1].Parts[0];
        Assert.Equal((400, 200), (large.Width, large.Height)); // resized on store: the longer side to fetch_max_side
        Assert.Equal(2, Hits("/busy.jpg")); // 429, waited its Retry-After, then the image
        var reasons = Directory.GetFiles(Path.Combine(output, "rejects")).SelectMany(File.ReadLines).Select(line => (string)JsonNode.Parse(line)!["reason"]!).Order(StringComparer.Ordinal);
        Assert.Equal(["fetch.http_status", "fetch.not_image", "fetch.timeout"], reasons);
        var stats = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")))!["stage_stats"]!.ToJsonString();
        Assert.Contains("\"fetch_ok\":3", stats, StringComparison.Ordinal);
        Assert.Contains("\"fetch_urls\":6", stats, StringComparison.Ordinal);

        // A rerun of the task (its success markers gone, as after a crash) fetches no URL whose answer is known.
        File.Delete(Path.Combine(output, "_tasks", "00000", "_SUCCESS"));
        File.Delete(Path.Combine(output, "_SUCCESS"));
        var before = new[] { "/a.jpg", "/large.jpg", "/busy.jpg", "/gone.jpg", "/page.jpg" }.Select(Hits).ToList();
        await PipelineRuns.RunAsync(spec, []);
        Assert.Equal(before, new[] { "/a.jpg", "/large.jpg", "/busy.jpg", "/gone.jpg", "/page.jpg" }.Select(Hits));
        Assert.Equal(samples, await SampleSetReader.ReadAsync(new LocalStorage(output)).ToListAsync());
    }

    [Fact]
    public async Task A_redirect_to_an_address_the_guard_refuses_is_refused_and_urls_without_fetch_are_rejects()
    {
        // 127.0.0.1 counts as public here and 127.0.0.2 does not: the redirect's connect is checked, not only the first.
        using var fetcher = new ImageFetcher(new FetchSettings(false, TimeSpan.FromSeconds(5), 1 << 20, 0, TimeSpan.Zero, "test", 2, address => address.Equals(IPAddress.Loopback)));
        Assert.NotNull((await fetcher.FetchAsync($"{_server.BaseUrl}/a.jpg", CancellationToken.None)).Bytes);
        var hop = await fetcher.FetchAsync($"{_server.BaseUrl}/hop.jpg", CancellationToken.None);
        Assert.Equal("fetch.refused_address", hop.Reason);
        Assert.Contains("127.0.0.2", hop.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(_temp.Combine("u"));
        await File.WriteAllLinesAsync(_temp.Combine("u", "u.csv"), ["url,caption", $"{_server.BaseUrl}/a.jpg,x"]);
        var spec = new PipelineSpec("nofetch", [], _temp.Combine("u-out"), [new StageSpec("read-table", new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("u", "u.csv")) }, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/");
        await PipelineRuns.RunAsync(spec, []);
        var reject = JsonNode.Parse((await File.ReadAllLinesAsync(Directory.GetFiles(_temp.Combine("u-out", "rejects"))[0]))[0])!;
        Assert.Equal("table.image_url", (string)reject["reason"]!);
        Assert.Equal(0, Hits("/gone.jpg"));
    }
}
