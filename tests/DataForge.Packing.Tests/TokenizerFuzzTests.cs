using DataForge.Core;
using DataForge.Packing.Tokenization;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Packing.Tests;

/// <summary>
/// Mutated tokenizer.json files: each loads (and then encodes and decodes without exceptions) or is refused with a
/// usage error naming the file, never another exception.
/// </summary>
public sealed class TokenizerFuzzTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] JsonTokens = ["{", "}", "[", "]", "\"model\":", "\"type\":\"BPE\"", "\"vocab\":{", "\"merges\":[", "\"added_tokens\":[", "\"pre_tokenizer\":", "\"normalizer\":", "\"Split\"", "\"pattern\":{\"Regex\":\"(\"}", "-1", "2147483648", "null", "\"\\ud800\""];
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_tokenizer_files_load_and_encode_or_are_refused_with_a_reason()
    {
        var seeds = new[] { "llama3-style.tokenizer.json", "qwen2-style.tokenizer.json" }
            .Select(name => File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", name))).ToList();
        var trials = 0;

        var report = await Fuzzer.RunAsync("tokenizer.json", seeds, 300, 51, async input =>
        {
            var path = _temp.Combine($"t{Interlocked.Increment(ref trials)}.tokenizer.json");
            await File.WriteAllBytesAsync(path, input);
            try
            {
                var tokenizer = TokenizerCatalog.Load(path, _temp.Path);
                var ids = new List<int>();
                tokenizer.CreateSession().Encode("Hello, world! 你好 123 \u00e9t\u00e9 <|endoftext|>  \n\t", ids);
                Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
                _ = tokenizer.DecodeBytes(ids.ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }, allowed: e => e is DataForgeException or UsageException, dictionary: JsonTokens, perInput: TimeSpan.FromSeconds(30)); // the hang limit: the assembly's other tests load 10 MB tokenizers beside it on CI's 2 cores

        report.AssertNone(log);
    }
}
