using System.Text;
using System.Text.Json;
using DataForge.Packing.Tokenization;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// Ids must equal OpenAI tiktoken's on real multilingual text and on fuzzed text. The expected ids were made by
/// tests/tokenizer-reference/make-expected.mjs with the npm package tiktoken and are committed.
/// </summary>
public sealed class TokenizerConformanceTests
{
    public static TheoryData<string> Encodings => new() { "cl100k_base", "o200k_base" };

    private static IEnumerable<(string Text, int[] Ids)> Expected(string encoding)
    {
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", "expected.jsonl")))
        {
            using var record = JsonDocument.Parse(line);
            yield return (record.RootElement.GetProperty("text").GetString()!, record.RootElement.GetProperty(encoding).EnumerateArray().Select(id => id.GetInt32()).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Ids_equal_tiktoken_on_the_reference_corpus(string encoding)
    {
        var tokenizer = TiktokenEncoding.TryLoad(encoding)!;
        var session = tokenizer.CreateSession();
        var mismatches = new List<string>();
        var documents = 0;
        foreach (var (text, expected) in Expected(encoding))
        {
            documents++;
            var ids = new List<int>();
            session.Encode(text, ids);
            if (!ids.SequenceEqual(expected))
            {
                mismatches.Add($"{JsonSerializer.Serialize(text)}\n  expected [{string.Join(",", expected)}]\n  actual   [{string.Join(",", ids)}]");
            }
        }

        Assert.True(documents > 400, $"only {documents} reference documents");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {documents} differ:\n{string.Join("\n", mismatches.Take(5))}");
    }

    /// <summary>
    /// Pieces over <see cref="MergeTable.LongPieceBytes"/> bytes merge through a heap, not the quadratic scan:
    /// tests/tokenizer-reference/make-expected-long.mjs made the ids with tiktoken. The two merge paths must also
    /// agree on every prefix length around the switch, where the same text takes one path or the other.
    /// </summary>
    [Theory]
    [MemberData(nameof(Encodings))]
    public void Ids_equal_tiktoken_on_pieces_longer_than_the_heap_threshold(string encoding)
    {
        var tokenizer = TiktokenEncoding.TryLoad(encoding)!;
        var session = tokenizer.CreateSession();
        var documents = 0;
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", "expected-long.jsonl")))
        {
            using var record = JsonDocument.Parse(line);
            var text = record.RootElement.GetProperty("text").GetString()!;
            var expected = record.RootElement.GetProperty(encoding).EnumerateArray().Select(id => id.GetInt32()).ToArray();
            var ids = new List<int>();
            session.Encode(text, ids);
            Assert.True(ids.SequenceEqual(expected), $"document {documents} ({text.Length} chars) differs from tiktoken");
            documents++;
        }

        Assert.Equal(7, documents);
        var merges = tokenizer.Bpe.Merges;
        var random = new Random(7);
        for (var trial = 0; trial < 40; trial++)
        {
            var piece = System.Text.Encoding.ASCII.GetBytes([.. Enumerable.Range(0, MergeTable.LongPieceBytes - 20 + random.Next(40)).Select(_ => "aabcdeht"[random.Next(8)])]);
            List<int> scanned = [], heaped = [];
            merges.MergeLong(piece, heaped);
            if (piece.Length <= MergeTable.LongPieceBytes)
            {
                merges.Merge(piece, scanned);
                Assert.Equal(scanned, heaped);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Decoding_the_ids_gives_back_the_text(string encoding)
    {
        var tokenizer = TiktokenEncoding.TryLoad(encoding)!;
        var session = tokenizer.CreateSession();
        foreach (var (text, _) in Expected(encoding))
        {
            var ids = new List<int>();
            session.Encode(text, ids);
            Assert.Equal(Encoding.UTF8.GetBytes(text), tokenizer.DecodeBytes(ids.ToArray()));
        }
    }

    [Fact]
    public void Text_that_looks_like_a_special_token_never_becomes_one()
    {
        var tokenizer = TiktokenEncoding.TryLoad("cl100k_base")!;
        var ids = new List<int>();
        tokenizer.CreateSession().Encode("a <|endoftext|> b <|image_pad|>", ids);
        Assert.DoesNotContain(ids, id => tokenizer.SpecialTokens.Values.Contains(id));
    }

    [Fact]
    public void Media_tokens_get_ids_after_the_encodings_own_specials()
    {
        var cl100k = TiktokenEncoding.TryLoad("cl100k_base")!;
        Assert.Equal(100257, cl100k.SpecialTokens["<|endoftext|>"]);
        Assert.Equal(100277, cl100k.SpecialTokens["<|image_start|>"]);
        Assert.Equal(100282, cl100k.SpecialTokens["<|audio_end|>"]);
        Assert.Equal(100283, cl100k.VocabSize);
        var o200k = TiktokenEncoding.TryLoad("o200k_base")!;
        Assert.Equal(200019, o200k.SpecialTokens["<|image_start|>"]);
        Assert.NotEqual(cl100k.Fingerprint, o200k.Fingerprint);
    }
}
