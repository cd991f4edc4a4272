using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core.Hashing;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace DataForge.Captions.Tests;

/// <summary>
/// The openai captioner end to end with the official SDK against this test's own chat-completions server on
/// loopback: the image really sent, throttling and server errors survived, a malformed answer rejected, answers
/// cached across reruns, the API key sent but written nowhere.
/// </summary>
public sealed class OpenAiCaptionerTests : IDisposable
{
    private const string ApiKey = "sk-test-SECRET-7f3a9";
    private readonly TempFolder _temp = new();
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpListenerResponse, Task>>> _script = new();
    private readonly ConcurrentQueue<string> _received = new();
    private int _calls;
    private readonly ListLogger _log = new();

    /// <summary>Keeps every log line, so the test can prove the key is in none of them.</summary>
    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception) + exception);
    }

    public OpenAiCaptionerTests() => _server = new LoopbackHttpServer(HandleAsync);

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private static byte[] Square(SKColor colour)
    {
        using var bitmap = new SKBitmap(64, 64);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static Func<HttpListenerResponse, Task> Answer(string content) => async response =>
    {
        var body = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = "test-vlm",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["finish_reason"] = "stop", ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 7, ["total_tokens"] = 107 },
        };
        await Write(response, 200, body.ToJsonString());
    };

    private static Func<HttpListenerResponse, Task> Status(int status, string? retryAfter = null) => response =>
    {
        if (retryAfter is not null)
        {
            response.AddHeader("Retry-After", retryAfter);
        }

        return Write(response, status, """{"error":{"message":"try later"}}""");
    };

    private static Func<HttpListenerResponse, Task> Raw(string body) => response => Write(response, 200, body);

    private static async Task Write(HttpListenerResponse response, int status, string body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
        response.Close();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _calls);
        using var reader = new StreamReader(context.Request.InputStream);
        var request = JsonNode.Parse(await reader.ReadToEndAsync())!;
        _received.Enqueue(context.Request.Headers["Authorization"] ?? string.Empty);
        // The image arrives as a data URL: identify it by the sha256 of its bytes.
        var url = request["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>();
        var sha = Hashes.Sha256Hex(Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]));
        if (_script.TryGetValue(sha, out var steps) && steps.TryDequeue(out var step))
        {
            await step(context.Response);
        }
        else
        {
            await Write(context.Response, 404, "{}");
        }
    }

    private (string Folder, string Red, string Blue, string Green) Images()
    {
        var folder = _temp.Combine("images");
        Directory.CreateDirectory(folder);
        var red = Square(SKColors.Red);
        var blue = Square(SKColors.Blue);
        var green = Square(SKColors.Green);
        File.WriteAllBytes(Path.Combine(folder, "red.png"), red);
        File.WriteAllBytes(Path.Combine(folder, "blue.png"), blue);
        File.WriteAllBytes(Path.Combine(folder, "green.png"), green);
        return (folder, Hashes.Sha256Hex(red), Hashes.Sha256Hex(blue), Hashes.Sha256Hex(green));
    }

    private async Task<RunResult> RunAsync(string folder, string output, double timeoutSeconds = 30, string? endpoint = null)
    {
        var options = new JsonObject
        {
            ["captioners"] = new JsonArray("openai"),
            ["kinds"] = new JsonArray("short"),
            ["endpoint"] = endpoint ?? $"{_server.BaseUrl}/v1",
            ["model"] = "test-vlm",
            ["api_key_env"] = "TEST_VLM_KEY",
            ["retries"] = 2,
            ["retry_base_ms"] = 1,
            ["timeout_seconds"] = timeoutSeconds,
        };
        var spec = new PipelineSpec(
            "caption",
            [folder],
            output,
            [new StageSpec("read-images", [], new SourceLocation("t", 1, 1)), new StageSpec("caption", options, new SourceLocation("t", 2, 1)), new StageSpec("write", [], new SourceLocation("t", 3, 1))],
            1,
            "/");
        return await PipelineRuns.RunAsync(spec, [CaptionStage.Definition], environment: name => name == "TEST_VLM_KEY" ? ApiKey : null, logger: _log);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_survived_a_bad_answer_is_rejected_and_reruns_hit_the_cache()
    {
        var (folder, red, blue, green) = Images();
        _script[red] = new([Status(429, retryAfter: "0"), Answer("A plain red square.")]);
        _script[blue] = new([Status(500), Status(503), Answer("A plain blue square.")]);
        _script[green] = new([Raw("{ this is not json")]);
        var output = _temp.Combine("out");

        var result = await RunAsync(folder, output);

        var samples = await SampleSetReader.ReadAsync(new LocalStorage(output)).ToListAsync();
        var captions = samples.Where(sample => sample.MetaObject()["captioner"] is not null).Select(sample => ((TextPart)sample.Parts[1]).Text).Order(StringComparer.Ordinal);
        Assert.Equal(["A plain blue square.", "A plain red square."], captions);
        Assert.Equal(1, result.Manifest!.Rejects.ByReason["caption.bad_response"]);
        Assert.Equal(6, Volatile.Read(ref _calls));
        Assert.All(_received, authorization => Assert.Equal($"Bearer {ApiKey}", authorization));
        var stats = result.Manifest.StageStats["01-caption"];
        Assert.Equal((200, 14), (stats["stats.input_tokens"], stats["stats.output_tokens"]));

        // A crash before the task finished: the rerun must not ask the endpoint again for what it answered.
        Directory.Delete(Path.Combine(output, "_tasks"), recursive: true);
        File.Delete(Path.Combine(output, "_SUCCESS"));
        _script[green] = new([Answer("A plain green square.")]);
        var rerun = await RunAsync(folder, output);
        Assert.Equal(7, Volatile.Read(ref _calls));
        Assert.Equal(2, rerun.Manifest!.StageStats["01-caption"]["cache_hits"]);

        foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(ApiKey, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }

        Assert.NotEmpty(_log.Lines);
        Assert.All(_log.Lines, line => Assert.DoesNotContain(ApiKey, line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_and_the_retry_succeeds()
    {
        var (folder, red, blue, green) = Images();
        // The first answer for red is held until the run is over, so the client's 1 s timeout must fire: no sleep
        // racing the timeout, and no answer can arrive in time however slow the machine.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Slow(HttpListenerResponse response)
        {
            await release.Task;
            try
            {
                await Answer("too late")(response);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The client gave up on this request long ago.
            }
        }

        _script[red] = new([Slow, Answer("A red square after a timeout.")]);
        _script[blue] = new([Answer("A blue square.")]);
        _script[green] = new([Answer("A green square.")]);

        RunResult result;
        try
        {
            result = await RunAsync(folder, _temp.Combine("slow"), timeoutSeconds: 1);
        }
        finally
        {
            release.SetResult();
        }

        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("slow"))).ToListAsync();
        Assert.Contains(samples, sample => sample.Parts.Length == 2 && sample.Parts[1] is TextPart { Text: "A red square after a timeout." });
        Assert.Equal(0, result.Manifest!.Rejects.Total);
    }

    [Fact]
    public async Task A_missing_api_key_is_a_usage_error_naming_the_variable_not_a_value()
    {
        var (folder, _, _, _) = Images();
        var spec = new PipelineSpec(
            "caption",
            [folder],
            _temp.Combine("nokey"),
            [
                new StageSpec("read-images", [], new SourceLocation("t", 1, 1)),
                new StageSpec("caption", new JsonObject { ["captioners"] = new JsonArray("openai"), ["endpoint"] = "http://127.0.0.1:1/v1", ["model"] = "m", ["api_key_env"] = "NO_SUCH_KEY" }, new SourceLocation("t", 2, 1)),
                new StageSpec("write", [], new SourceLocation("t", 3, 1)),
            ],
            1,
            "/");
        var error = await Assert.ThrowsAsync<DataForge.Core.UsageException>(() => PipelineRuns.RunAsync(spec, [CaptionStage.Definition], workers: 1));
        Assert.Contains("NO_SUCH_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_errs_on_every_retry_or_cannot_be_reached_gives_those_rejects_for_its_images_only()
    {
        var (folder, red, blue, green) = Images();
        _script[red] = new([Status(500), Status(502), Status(500)]); // retries: 2, so three attempts, all errors
        _script[blue] = new([Answer("A plain blue square.")]);
        _script[green] = new([Answer("A plain green square.")]);
        var erring = await RunAsync(folder, _temp.Combine("erring"));
        Assert.Equal(1, erring.Manifest!.Rejects.ByReason["caption.endpoint_error"]);

        // Nothing listens on a port just freed: every attempt is refused.
        var unreachable = await RunAsync(folder, _temp.Combine("unreachable"), endpoint: $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/v1");
        Assert.Equal(3, unreachable.Manifest!.Rejects.ByReason["caption.endpoint_unreachable"]);
    }
}
