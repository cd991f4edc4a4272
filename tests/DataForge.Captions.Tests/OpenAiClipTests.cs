using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Captions.OpenAi;
using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Captions.Tests;

/// <summary>A clip through an OpenAI-compatible endpoint (issue 24): its sampled frames as images of one request, in order; cached.</summary>
public sealed class OpenAiClipTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly List<JsonNode> _requests = [];
    private readonly LoopbackHttpServer _server;

    public OpenAiClipTests() => _server = new LoopbackHttpServer(HandleAsync);

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        lock (_requests)
        {
            _requests.Add(JsonNode.Parse(reader.ReadToEnd())!);
        }

        var body = new JsonObject
        {
            ["id"] = "chatcmpl-clip",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = "test-vlm",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["finish_reason"] = "stop", ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "A test pattern sweeps across the frame." } }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 900, ["completion_tokens"] = 9, ["total_tokens"] = 909 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()));
        context.Response.Close();
    }

    [Fact]
    public async Task The_frames_go_as_images_of_one_request_in_order_and_a_rerun_asks_nothing()
    {
        var settings = new OpenAiSettings(new Uri($"{_server.BaseUrl}/v1"), "test-vlm", "KEY", 64, 0, TimeSpan.FromSeconds(20), 0, TimeSpan.FromMilliseconds(10), 1, new Dictionary<string, string>());
        var captioner = new OpenAiCaptioner(settings, _ => "sk-test", new LocalStorage(_temp.Combine("cache")));
        var frames = Enumerable.Range(0, 4).Select(k => (Bytes: Encoding.ASCII.GetBytes($"frame {k}"), Sha256: Hashes.Sha256Hex($"frame {k}"))).ToList();

        var first = await captioner.CaptionClipAsync(frames, 4, "short", "en", CancellationToken.None);
        var again = await captioner.CaptionClipAsync(frames, 4, "short", "en", CancellationToken.None);

        Assert.Equal("A test pattern sweeps across the frame.", first.Text);
        Assert.False(first.FromCache);
        Assert.True(again.FromCache);
        var request = Assert.Single(_requests);
        var content = request["messages"]![0]!["content"]!.AsArray();
        Assert.StartsWith("These are 4 frames sampled in order from a 4-second video clip.", (string?)content[0]!["text"], StringComparison.Ordinal);
        var images = content.Skip(1).Select(part => (string)part!["image_url"]!["url"]!).ToList();
        Assert.Equal(frames.Select(frame => $"data:image/jpeg;base64,{Convert.ToBase64String(frame.Bytes)}"), images);
    }
}
