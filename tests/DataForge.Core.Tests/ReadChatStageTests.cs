using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

/// <summary>read-chat over the layouts instruction datasets ship in: LLaVA JSON, ShareGPT and OpenAI-messages JSON Lines.</summary>
public sealed class ReadChatStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<(List<Sample> Samples, List<StageReject> Rejects)> RunAsync(JsonObject options, string output = "out") =>
        SourceStageRuns.RunAsync("read-chat", options, _temp.Combine(output), RepositoryRoot.Samples);

    private static string Shape(Sample sample) => string.Join(" ", sample.Parts.Select(part => $"{part.Kind}:{part.Role.ToWire()}"));

    [Fact]
    public async Task The_bundled_llava_sharegpt_and_openai_conversations_become_turns_with_media_at_their_markers()
    {
        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray("chats/llava.json", "chats/sharegpt.jsonl", "chats/openai.jsonl"), ["images"] = "images" });
        var byId = samples.ToDictionary(sample => sample.Id);
        Assert.Equal(8, samples.Count);

        // LLaVA: <image> opens the first user turn; two markers take the record's two images in order.
        Assert.Equal("image:instruction text:instruction text:target text:instruction text:target", Shape(byId["llava-000"]));
        Assert.Equal("\nWhat shape is in the picture?", ((TextPart)byId["llava-000"].Parts[1]).Text);
        Assert.Equal("text:instruction image:instruction text:instruction image:instruction text:instruction text:target", Shape(byId["llava-002"]));
        Assert.Equal((442, 200), (((ImagePart)byId["llava-002"].Parts[1]).Width, ((ImagePart)byId["llava-002"].Parts[1]).Height));
        Assert.Equal("image:instruction text:instruction text:target", Shape(byId["llava-001"])); // no marker: the image opens the user turn

        // ShareGPT: the top-level system field and a system turn are both the context.
        Assert.Equal("text:context text:instruction text:target", Shape(byId["sg-000"]));
        Assert.Equal("text:context text:instruction text:target text:instruction text:target", Shape(byId["sg-001"]));

        // OpenAI: content parts in order, input_audio as a WAV of 0.24 s, the split kept.
        Assert.Equal("text:context text:instruction image:instruction text:target", Shape(byId["oa-000"]));
        var audio = Assert.IsType<AudioPart>(byId["oa-001"].Parts[0]);
        Assert.Equal((0.24, 16000), (audio.DurationSeconds, audio.SampleRate));
        Assert.Equal("dev", byId["oa-002"].Split);
        Assert.Equal("openai.jsonl", (string)byId["oa-002"].MetaObject()["chat"]!);

        Assert.Equal(
            ["chat.media_missing", "chat.media_url", "chat.no_assistant", "chat.turn_order", "chat.unknown_role"],
            rejects.Select(reject => reject.Reason).Order(StringComparer.Ordinal));
        Assert.Contains(rejects, reject => reject.Reason == "chat.turn_order" && reject.Input.EndsWith("llava.json#record=4", StringComparison.Ordinal) && reject.Message.Contains("two assistant turns in a row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conversations_that_are_not_chats_are_rejected_each_with_its_reason()
    {
        Directory.CreateDirectory(_temp.Combine("c"));
        File.Copy(Path.Combine(RepositoryRoot.Samples, "images", "scene-00.png"), _temp.Combine("c", "a.png"));
        string Chat(string turns, string extra = "") => $$"""{{{extra}}"conversations": [{{turns}}]}""";
        var lines = new[]
        {
            """{"text": "no turns at all"}""",                                                                     // chat.invalid
            Chat("""{"from": "human", "value": "hi"}, {"from": "gpt", "value": 7}"""),                              // chat.invalid (content)
            Chat("""{"from": "gpt", "value": "I speak first"}, {"from": "human", "value": "ok"}"""),              // chat.turn_order
            Chat("""{"from": "human", "value": "a"}, {"from": "human", "value": "b"}, {"from": "gpt", "value": "c"}"""), // chat.turn_order
            Chat("""{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}, {"from": "human", "value": "c"}"""), // chat.turn_order (ends with the user)
            Chat("""{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}, {"from": "system", "value": "late"}, {"from": "gpt", "value": "d"}"""), // chat.turn_order
            Chat("""{"from": "human", "value": "   "}, {"from": "gpt", "value": "b"}"""),                         // chat.empty_turn
            Chat("""{"from": "human", "value": "<image> and <image>"}, {"from": "gpt", "value": "b"}""", "\"image\": \"a.png\", "), // chat.media_mismatch
            Chat("""{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "b"}""", "\"image\": \"../a.png\", "), // chat.media_path_outside
            """{"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "SUQzBAAAAAAA", "format": "mp3"}}]}, {"role": "assistant", "content": "x"}]}""", // chat.audio_unsupported
            """{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,@@@"}}]}, {"role": "assistant", "content": "x"}]}""", // chat.media_url
            """{"messages": [{"role": "user", "content": [{"type": "video", "video": "v.mp4"}]}, {"role": "assistant", "content": "x"}]}""", // chat.invalid (part)
            """{"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "1"}]}]}""", // chat.unknown_role (tool calls)
            """{"messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "what?"}]}, {"role": "assistant", "content": "a circle"}], "images": ["a.png"], "source": "hf"}""", // good
        };
        await File.WriteAllLinesAsync(_temp.Combine("c", "chats.jsonl"), lines);

        var (samples, rejects) = await RunAsync(new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("c", "chats.jsonl")) });

        var good = Assert.Single(samples);
        Assert.Equal("image:instruction text:instruction text:target", Shape(good));
        Assert.Equal("hf", (string)good.MetaObject()["source"]!);
        Assert.Equal(
            ["chat.audio_unsupported", "chat.empty_turn", "chat.invalid", "chat.invalid", "chat.invalid", "chat.media_mismatch", "chat.media_path_outside", "chat.media_url", "chat.turn_order", "chat.turn_order", "chat.turn_order", "chat.turn_order", "chat.unknown_role"],
            rejects.Select(reject => reject.Reason).Order(StringComparer.Ordinal));
        Assert.Contains(rejects, reject => reject.Reason == "chat.invalid" && reject.Message.Contains("the record's fields are text", StringComparison.Ordinal));
        Assert.Contains(rejects, reject => reject.Reason == "chat.media_mismatch" && reject.Message.StartsWith("2 <image> markers for 1 images", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conversation_files_are_told_from_tables_by_their_first_record()
    {
        var storage = new StorageFactory(_ => null, RepositoryRoot.Samples);
        Assert.True(await Stages.ReadChat.ChatFiles.IsChatAsync(storage, "chats/llava.json", CancellationToken.None));
        Assert.True(await Stages.ReadChat.ChatFiles.IsChatAsync(storage, "chats/openai.jsonl", CancellationToken.None));
        Assert.False(await Stages.ReadChat.ChatFiles.IsChatAsync(storage, "tables/captions.json", CancellationToken.None));
        Directory.CreateDirectory(_temp.Combine("j"));
        await File.WriteAllTextAsync(_temp.Combine("j", "holder.json"), """{"info": {"messages": 1}, "data": [{"messages": [{"role": "user", "content": "x"}]}]}""");
        await File.WriteAllTextAsync(_temp.Combine("j", "coco.json"), """{"info": {"conversations": 0}, "images": [{"id": 1}], "annotations": []}""");
        var local = new StorageFactory(_ => null, _temp.Combine("j"));
        Assert.True(await Stages.ReadChat.ChatFiles.IsChatAsync(local, "holder.json", CancellationToken.None));
        Assert.False(await Stages.ReadChat.ChatFiles.IsChatAsync(local, "coco.json", CancellationToken.None));
    }
}
