using System.Text;
using System.Text.Json;
using DataForge.Core;
using DataForge.Packing.Tokenization;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// tokenizer.json (Hugging Face) BPE: ids must equal the tokenizers library's. The fixtures (Llama-3 and Qwen2
/// style) and their expected ids were made by tests/tokenizer-reference/make-hf-fixtures.mjs with the npm package
/// tokenizers (Hugging Face's native library).
/// </summary>
public sealed class HuggingFaceTokenizerTests
{
    private static string Reference(string file) => Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", file);

    public static TheoryData<string> Fixtures => new() { "llama3-style", "qwen2-style" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Ids_equal_the_tokenizers_library_on_the_reference_corpus(string fixture)
    {
        var tokenizer = HuggingFaceBpe.Load(Reference($"{fixture}.tokenizer.json"));
        var session = tokenizer.CreateSession();
        var mismatches = new List<string>();
        var documents = 0;
        foreach (var line in File.ReadLines(Reference("expected-hf.jsonl")))
        {
            using var record = JsonDocument.Parse(line);
            var text = record.RootElement.GetProperty("text").GetString()!;
            var expected = record.RootElement.GetProperty(fixture).EnumerateArray().Select(id => id.GetInt32()).ToArray();
            var ids = new List<int>();
            session.Encode(text, ids);
            documents++;
            if (!ids.SequenceEqual(expected))
            {
                mismatches.Add($"{JsonSerializer.Serialize(text)}\n  expected [{string.Join(",", expected)}]\n  actual   [{string.Join(",", ids)}]");
            }
        }

        Assert.True(documents > 400, $"only {documents} documents");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {documents} differ:\n{string.Join("\n", mismatches.Take(5))}");
    }

    [Fact]
    public void Added_tokens_are_specials_and_never_matched_in_text()
    {
        var tokenizer = HuggingFaceBpe.Load(Reference("qwen2-style.tokenizer.json"));
        Assert.Equal(4000, tokenizer.EndOfDocumentId);
        Assert.Equal(4001, tokenizer.SpecialTokens["<|im_start|>"]);
        Assert.Equal(4003, tokenizer.SpecialTokens["<|image_start|>"]);
        var ids = new List<int>();
        tokenizer.CreateSession().Encode("<|im_start|>user hi<|endoftext|>", ids);
        Assert.DoesNotContain(ids, id => id >= 4000);
        Assert.Equal("<|im_start|>user hi<|endoftext|>", Encoding.UTF8.GetString(tokenizer.DecodeBytes(ids.ToArray())));
    }

    [Fact]
    public void The_fingerprint_is_the_files_hash_and_differs_between_tokenizers() =>
        Assert.NotEqual(
            HuggingFaceBpe.Load(Reference("llama3-style.tokenizer.json")).Fingerprint,
            HuggingFaceBpe.Load(Reference("qwen2-style.tokenizer.json")).Fingerprint);

    [Fact]
    public void Unsupported_files_are_a_usage_error_naming_the_feature()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("wordpiece.json");
        File.WriteAllText(path, """{"model": {"type": "WordPiece", "vocab": {}}}""");
        var error = Assert.Throws<UsageException>(() => HuggingFaceBpe.Load(path));
        Assert.Contains("model type", error.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<UsageException>(() => HuggingFaceBpe.Load(path)).Message, StringComparison.Ordinal);
    }
}
