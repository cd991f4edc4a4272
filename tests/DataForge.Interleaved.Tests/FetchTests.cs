using System.Net;
using System.Text.Json.Nodes;
using DataForge.Core.Fetch;
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

/// <summary>Fetching images over HTTP from a server on loopback, and the address guard that normally forbids that.</summary>
public sealed class FetchTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly LoopbackHttpServer _server;
    private int _flakyCalls;

    public FetchTests() => _server = new LoopbackHttpServer(ServeAsync);

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private static byte[] Picture(int seed)
    {
        using var bitmap = new SKBitmap(320, 240);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)(seed * 40), 120, 200));
            using var paint = new SKPaint { Color = SKColors.Yellow };
            canvas.DrawCircle(40 + (seed * 50), 120, 60, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var (status, body) = context.Request.Url!.AbsolutePath switch
        {
            "/ok.png" => (200, Picture(1)),
            "/flaky.png" => Interlocked.Increment(ref _flakyCalls) == 1 ? (503, Array.Empty<byte>()) : (200, Picture(2)),
            "/big.png" => (200, new byte[2 << 20]),
            _ => (404, Array.Empty<byte>()),
        };
        context.Response.StatusCode = status;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private async Task<(List<Sample> Samples, List<string> Reasons)> RunAsync(bool allowPrivate)
    {
        var site = _temp.Combine($"site-{allowPrivate}");
        Directory.CreateDirectory(site);
        var server = _server.BaseUrl;
        await File.WriteAllTextAsync(Path.Combine(site, "page.html"), $"""
            <html><body><p>A page whose pictures live on a web server, with enough text to be kept.</p>
            <img src="{server}/ok.png"><p>Between the pictures.</p><img src="{server}/flaky.png">
            <img src="{server}/big.png"><img src="{server}/missing.png"></body></html>
            """);
        var options = new JsonObject { ["fetch"] = true, ["fetch_allow_private"] = allowPrivate, ["fetch_retry_base_ms"] = 1, ["fetch_max_bytes"] = 1 << 20, ["keep_text_only"] = true };
        var output = _temp.Combine($"out-{allowPrivate}");
        var spec = new PipelineSpec("fetch", [site], output, [new StageSpec("interleave", options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/");
        await PipelineRuns.RunAsync(spec, [InterleaveStage.Definition]);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(output)).ToListAsync();
        var reasons = Directory.GetFiles(Path.Combine(output, "rejects")).SelectMany(File.ReadLines).Select(line => JsonNode.Parse(line)!["reason"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        return (samples, reasons);
    }

    [Fact]
    public async Task Allowed_fetches_retry_server_errors_and_cap_sizes()
    {
        var (samples, reasons) = await RunAsync(allowPrivate: true);

        var sample = Assert.Single(samples);
        Assert.Equal(2, sample.Parts.OfType<ImagePart>().Count());
        Assert.Equal(2, Volatile.Read(ref _flakyCalls));
        Assert.Equal(["fetch.http_status", "fetch.too_large"], reasons);
    }

    [Fact]
    public async Task The_address_guard_refuses_loopback_unless_allowed()
    {
        var (samples, reasons) = await RunAsync(allowPrivate: false);

        Assert.Empty(Assert.Single(samples).Parts.OfType<ImagePart>());
        Assert.Equal(Enumerable.Repeat("fetch.refused_address", 4), reasons);
        Assert.Equal(0, Volatile.Read(ref _flakyCalls));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    public void Addresses_are_public_or_not(string address, bool isPublic) =>
        Assert.Equal(isPublic, AddressGuard.IsPublic(IPAddress.Parse(address)));
}
