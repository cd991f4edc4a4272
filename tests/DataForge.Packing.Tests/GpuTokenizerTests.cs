using System.Text;
using System.Text.Json;
using CsCheck;
using DataForge.Packing.Tokenization;
using DataForge.Packing.Tokenization.Gpu;
using DataForge.Testing;

namespace DataForge.Packing.Tests;

/// <summary>
/// The GPU tokenizer's kernel, run by ILGPU's CPU simulator (the same C# that is compiled to PTX on a GPU): its ids must
/// equal tiktoken's and the tokenizers library's on the reference corpora, and the CPU tokenizer's on generated text
/// that stresses the split rules, chunk boundaries, long pieces and broken surrogates. bench/gpu/tokenize.sh runs the
/// same comparison on a real GPU.
/// </summary>
public sealed class GpuTokenizerTests
{
    private static string Reference(string file) => Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", file);

    public static TheoryData<string> Encodings => new() { "cl100k_base", "o200k_base" };

    public static TheoryData<string> Fixtures => new() { "llama3-style", "qwen2-style" };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Ids_equal_tiktoken_on_the_reference_corpus(string encoding)
    {
        var (texts, expected) = ReadExpected("expected.jsonl", encoding);
        using var gpu = GpuTextEncoder.Open(TiktokenEncoding.TryLoad(encoding)!, GpuBackend.CpuSimulator);
        AssertSame(texts, expected, gpu.Encode(texts));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Ids_equal_the_tokenizers_library_on_the_reference_corpus(string fixture)
    {
        var (texts, expected) = ReadExpected("expected-hf.jsonl", fixture);
        using var gpu = GpuTextEncoder.Open(HuggingFaceBpe.Load(Reference($"{fixture}.tokenizer.json")), GpuBackend.CpuSimulator);
        AssertSame(texts, expected, gpu.Encode(texts));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Ids_equal_the_cpu_tokenizer_on_generated_text(string encoding)
    {
        var tokenizer = TiktokenEncoding.TryLoad(encoding)!;
        using var gpu = GpuTextEncoder.Open(tokenizer, GpuBackend.CpuSimulator);
        // Batches of documents, so chunk and document boundaries fall everywhere.
        GeneratedText.Documents.List[1, 12].Sample(
            texts =>
            {
                var actual = gpu.Encode(texts);
                AssertSame(texts, [.. texts.Select(text => CpuIds(tokenizer, text))], actual);
            },
            iter: 150,
            threads: 1); // one encoder, used by one caller at a time
    }

    [Fact]
    public void Pieces_too_long_for_the_kernel_are_merged_on_the_host_and_counted()
    {
        var tokenizer = TiktokenEncoding.TryLoad("cl100k_base")!;
        using var gpu = GpuTextEncoder.Open(tokenizer, GpuBackend.CpuSimulator);
        string[] texts =
        [
            "short " + new string('x', 700) + " tail",                              // one letter piece of 700 bytes
            string.Concat(Enumerable.Repeat("漢字", 200)) + "。",                    // 1 200 bytes of Han letters
            new string(' ', 5000) + "end",                                        // long whitespace, no safe boundary
            string.Concat(Enumerable.Repeat("1234567890", 300)),                  // digits only: one thread, many pieces
        ];
        AssertSame(texts, [.. texts.Select(text => CpuIds(tokenizer, text))], gpu.Encode(texts));
        Assert.Equal(3, gpu.CpuPieces);
    }

    [Fact]
    public void Empty_documents_and_a_batch_of_only_empty_documents_give_no_ids()
    {
        var tokenizer = TiktokenEncoding.TryLoad("cl100k_base")!;
        using var gpu = GpuTextEncoder.Open(tokenizer, GpuBackend.CpuSimulator);
        Assert.All(gpu.Encode(["", ""]), ids => Assert.Empty(ids));
        var mixed = gpu.Encode(["", "Hello", "", "world", ""]);
        Assert.Equal([0, 1, 0, 1, 0], mixed.Select(ids => ids.Length));
        Assert.Equal(CpuIds(tokenizer, "world"), mixed[3]);
    }

    [Fact]
    public void A_tokenizer_that_is_not_byte_level_bpe_is_refused_with_a_reason()
    {
        var e = Assert.Throws<GpuUnavailableException>(() => GpuTextEncoder.Open(new NotBpe(), GpuBackend.CpuSimulator));
        Assert.Contains("not a byte-level BPE", e.Message, StringComparison.Ordinal);
    }

    internal static int[] CpuIds(ITextTokenizer tokenizer, string text)
    {
        var ids = new List<int>();
        tokenizer.CreateSession().Encode(text, ids);
        return [.. ids];
    }

    private static (string[] Texts, int[][] Ids) ReadExpected(string file, string key)
    {
        var texts = new List<string>();
        var ids = new List<int[]>();
        foreach (var line in File.ReadLines(Reference(file)))
        {
            using var record = JsonDocument.Parse(line);
            texts.Add(record.RootElement.GetProperty("text").GetString()!);
            ids.Add([.. record.RootElement.GetProperty(key).EnumerateArray().Select(id => id.GetInt32())]);
        }

        Assert.True(texts.Count > 100, $"only {texts.Count} reference documents in {file}");
        return ([.. texts], [.. ids]);
    }

    private static void AssertSame(IReadOnlyList<string> texts, int[][] expected, int[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!expected[i].SequenceEqual(actual[i]))
            {
                Assert.Fail($"document {i} {JsonSerializer.Serialize(texts[i])}\n  expected [{string.Join(",", expected[i])}]\n  actual   [{string.Join(",", actual[i])}]");
            }
        }
    }

    private sealed class NotBpe : ITextTokenizer
    {
        public string Name => "not-bpe";

        public int VocabSize => 1;

        public string Fingerprint => "0";

        public int EndOfDocumentId => 0;

        public IReadOnlyDictionary<string, int> SpecialTokens { get; } = new Dictionary<string, int>();

        public ITokenizerSession CreateSession() => throw new NotSupportedException();

        public byte[] DecodeBytes(ReadOnlySpan<int> ids) => [];
    }
}

/// <summary>Text that exercises every alternative of the split patterns: runs of each class, contractions, case, marks.</summary>
internal static class GeneratedText
{
    private static readonly string[] Atoms =
    [
        "a", "Z", "word", "Word", "WORD", "mIxEd", "é", "e\u0301", "ß", "İ", "ǅ", "ʰ", "ſ", "\u212A",
        "'", "'s", "'S", "'t", "'re", "'VE", "'m", "'ll", "'d", "'x", "’s",
        "0", "12", "345", "6789", "٣", "Ⅻ", "½",
        " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u00A0", "\u3000", "\u2028", "\u0085",
        ".", ",", "!?", "...", "/", "//", "(", ")", "\"", "-", "_", "@", "#", "$", "€", "😀", "👍🏽", "\U0001D400", "\U00020000",
        "中", "文字", "漢字です", "한국어", "العربية", "हिन्दी", "ไทย", "Ελληνικά", "русский",
        "\uD800", "\uDC00", "\uFFFD", "\0", "\u0001", "\u200B", "\u200D",
    ];

    public static readonly Gen<string> Documents =
        Gen.OneOf(
            Gen.Int[0, Atoms.Length - 1].Array[0, 60].Select(indexes => string.Concat(indexes.Select(i => Atoms[i]))),
            Gen.Int[0, Atoms.Length - 1].Array[1, 6].SelectMany(indexes => Gen.Int[1, 120].Select(repeat =>
                string.Concat(Enumerable.Repeat(string.Concat(indexes.Select(i => Atoms[i])), repeat)))));
}
