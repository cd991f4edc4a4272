using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using DataForge.Core;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> with a byte-level BPE model (Llama-3, Qwen2/2.5 style): vocabulary and merges
/// from the file, split pattern recognised and run by <see cref="PieceScanner"/>, optional NFC normalizer, added
/// tokens. Added tokens are never matched inside text, unlike the tokenizers library: data must not forge control tokens.
/// </summary>
public sealed class HuggingFaceBpe : IByteLevelTokenizer
{
    private static readonly string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The split patterns this reader runs, by their exact text in tokenizer.json.</summary>
    private static readonly Dictionary<string, PreTokenizerKind> KnownPatterns = new(StringComparer.Ordinal)
    {
        [Cl100kPattern] = PreTokenizerKind.Cl100k,
        [Cl100kPattern.Replace(@"\p{N}{1,3}", @"\p{N}", StringComparison.Ordinal)] = PreTokenizerKind.Qwen2,
        [@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = PreTokenizerKind.O200k,
    };

    /// <summary>The largest vocabulary a tokenizer.json may describe (2^24 ids; released models have under 300 000).</summary>
    public const int MaxVocabulary = 1 << 24;

    private static readonly string[] EndOfDocumentNames = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"];

    private readonly ByteLevelBpe _bpe;
    private readonly PreTokenizerKind _kind;
    private readonly bool _nfc;
    private readonly FrozenDictionary<int, string> _specialNames;

    private HuggingFaceBpe(string name, string fingerprint, ByteLevelBpe bpe, PreTokenizerKind kind, bool nfc, Dictionary<string, int> specials, int endOfDocument)
    {
        Name = name;
        Fingerprint = fingerprint;
        _bpe = bpe;
        _kind = kind;
        _nfc = nfc;
        var next = Math.Max(bpe.Count, specials.Values.DefaultIfEmpty(-1).Max() + 1);
        foreach (var media in TiktokenEncoding.MediaTokens)
        {
            if (!specials.ContainsKey(media))
            {
                specials[media] = next++;
            }
        }

        SpecialTokens = specials.ToFrozenDictionary(StringComparer.Ordinal);
        _specialNames = specials.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);
        VocabSize = Math.Max(next, specials.Values.Max() + 1);
        EndOfDocumentId = endOfDocument;
    }

    public string Name { get; }

    public int VocabSize { get; }

    public string Fingerprint { get; }

    public ByteLevelBpe Bpe => _bpe;

    public PreTokenizerKind SplitKind => _kind;

    public string Normalize(string text) => _nfc ? text.Normalize(NormalizationForm.FormC) : text;

    public int EndOfDocumentId { get; }

    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public static HuggingFaceBpe Load(string path) => Load(File.ReadAllBytes(path), path);

    /// <param name="path">Names the tokenizer (its file name) and the file in error messages.</param>
    public static HuggingFaceBpe Load(byte[] bytes, string path)
    {
        try
        {
            return Read(bytes, path);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IndexOutOfRangeException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            // The JSON's shape is not a tokenizer's: a value of the wrong kind (JsonElement's typed getters throw
            // InvalidOperationException), a missing key, a short merge pair, invalid UTF-8 in a string. Fuzzing found each.
            throw new UsageException($"{path}: not a tokenizer.json this reader understands: {e.Message}", e);
        }
    }

    private static HuggingFaceBpe Read(byte[] bytes, string path)
    {
        using var document = ParseJson(bytes, path);
        var root = document.RootElement;
        var model = Required(root, "model", path);
        if (model.GetProperty("type").GetString() != "BPE")
        {
            throw Unsupported(path, $"model type '{model.GetProperty("type")}' (only byte-level BPE is supported)");
        }

        if (model.TryGetProperty("byte_fallback", out var byteFallback) && byteFallback.ValueKind == JsonValueKind.True)
        {
            throw Unsupported(path, "byte_fallback (SentencePiece-style BPE)");
        }

        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(affix, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
            {
                throw Unsupported(path, affix);
            }
        }

        var kind = ReadSplitKind(root, path);
        var nfc = Normalizer(root, path);
        if (nfc && "e\u0301".Normalize(NormalizationForm.FormC).Length != 1)
        {
            // .NET in globalization-invariant mode returns text unnormalized without saying so; ids would be wrong.
            throw new DataForgeException($"{path} needs NFC normalization, which this process cannot do: install ICU (libicu) and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT");
        }

        var byteOf = ByteLevelDecoding();

        // Vocabulary: token strings are bytes through GPT-2's byte-to-unicode map.
        var vocab = Required(model, "vocab", path);
        var count = 0;
        foreach (var _ in vocab.EnumerateObject())
        {
            count++;
        }

        var tokens = new byte[count][];
        var idOfString = new Dictionary<string, int>(count, StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            var id = entry.Value.GetInt32();
            if (id < 0 || id >= count || tokens[id] is not null)
            {
                throw Unsupported(path, $"vocabulary ids that are not dense from 0 (id {id})");
            }

            tokens[id] = ToBytes(entry.Name, byteOf, path);
            idOfString[entry.Name] = id;
        }

        var merges = new Dictionary<(int, int), (int, int)>();
        var rank = 0;
        foreach (var merge in Required(model, "merges", path).EnumerateArray())
        {
            var (left, right) = merge.ValueKind == JsonValueKind.Array
                ? (merge[0].GetString()!, merge[1].GetString()!)
                : SplitMerge(merge.GetString()!, path);
            if (!idOfString.TryGetValue(left, out var leftId) || !idOfString.TryGetValue(right, out var rightId) || !idOfString.TryGetValue(left + right, out var mergedId))
            {
                throw new UsageException($"{path}: merge '{left} {right}' names tokens that are not in the vocabulary");
            }

            merges.TryAdd((leftId, rightId), (rank++, mergedId));
        }

        var ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added))
        {
            foreach (var token in added.EnumerateArray())
            {
                var content = token.GetProperty("content").GetString()!;
                var id = token.GetProperty("id").GetInt32();
                if (id < 0 || id >= MaxVocabulary)
                {
                    // Ids size the model's embedding: 2^31-1 would be a table of 2^31 rows (and overflowed the count).
                    throw new UsageException($"{path}: added token '{content}' has id {id}, outside 0..{MaxVocabulary - 1}");
                }

                if (id < count && !tokens[id].AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(content)))
                {
                    // An id the vocabulary already gives to other bytes: the end of a document would read as text ('a').
                    throw new UsageException($"{path}: added token '{content}' has id {id}, which the vocabulary gives to '{Encoding.UTF8.GetString(tokens[id])}'");
                }

                specials[content] = id;
            }
        }

        var endOfDocument = EndOfDocumentNames.Select(name => specials.TryGetValue(name, out var id) ? id : -1).FirstOrDefault(id => id >= 0, -1);
        if (endOfDocument < 0)
        {
            throw new UsageException($"{path}: no end-of-document token among the added tokens (looked for {string.Join(", ", EndOfDocumentNames)})");
        }

        return new HuggingFaceBpe(
            Path.GetFileName(path),
            DataForge.Core.Hashing.Hashes.Sha256Hex(bytes),
            new ByteLevelBpe(tokens, merges, wholePieceFirst: ignoreMerges),
            kind,
            nfc,
            specials,
            endOfDocument);
    }

    public ITokenizerSession CreateSession() => new Session(this);

    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        using var bytes = new MemoryStream();
        foreach (var id in ids)
        {
            if (_specialNames.TryGetValue(id, out var special))
            {
                bytes.Write(Encoding.UTF8.GetBytes(special));
            }
            else if (id >= 0 && id < _bpe.Count)
            {
                bytes.Write(_bpe.TokenBytes(id));
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"not an id of {Name}");
            }
        }

        return bytes.ToArray();
    }

    private static JsonDocument ParseJson(byte[] bytes, string path)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static PreTokenizerKind ReadSplitKind(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            throw Unsupported(path, "a missing pre_tokenizer");
        }

        var steps = pre.GetProperty("type").GetString() == "Sequence" ? [.. pre.GetProperty("pretokenizers").EnumerateArray()] : new[] { pre };
        string? pattern = null;
        var byteLevel = false;
        foreach (var step in steps)
        {
            switch (step.GetProperty("type").GetString())
            {
                case "Split" when step.GetProperty("pattern").TryGetProperty("Regex", out var regex):
                    pattern = regex.GetString();
                    break;
                case "ByteLevel" when !(step.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.True)
                    && !(step.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True):
                    byteLevel = true;
                    break;
                default:
                    throw Unsupported(path, $"pre_tokenizer step {step}");
            }
        }

        if (!byteLevel || pattern is null)
        {
            throw Unsupported(path, "a pre_tokenizer other than Split(regex) + ByteLevel");
        }

        return KnownPatterns.TryGetValue(pattern, out var kind)
            ? kind
            : throw Unsupported(path, $"the split pattern {pattern} (known: the cl100k/Llama-3, Qwen2 and o200k patterns)");
    }

    private static bool Normalizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return normalizer.GetProperty("type").GetString() switch
        {
            "NFC" => true,
            var other => throw Unsupported(path, $"the {other} normalizer (only NFC)"),
        };
    }

    /// <summary>GPT-2's bytes_to_unicode, inverted: printable bytes stand for themselves, the rest for U+0100 onwards.</summary>
    private static Dictionary<char, byte> ByteLevelDecoding()
    {
        var map = new Dictionary<char, byte>(256);
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= 0x21 and <= 0x7E) or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            map[printable ? (char)b : (char)(256 + next++)] = (byte)b;
        }

        return map;
    }

    private static byte[] ToBytes(string token, Dictionary<char, byte> byteOf, string path)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            bytes[i] = byteOf.TryGetValue(token[i], out var b) ? b : throw Unsupported(path, $"vocabulary token '{token}', which is not byte-level");
        }

        return bytes;
    }

    private static (string, string) SplitMerge(string merge, string path)
    {
        var space = merge.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? (merge[..space], merge[(space + 1)..]) : throw new UsageException($"{path}: malformed merge '{merge}'");
    }

    private static JsonElement Required(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out var value) ? value : throw new UsageException($"{path}: missing '{name}'");

    private static UsageException Unsupported(string path, string what) =>
        new($"{path}: unsupported tokenizer.json feature: {what}");

    private sealed class Session(HuggingFaceBpe tokenizer) : ITokenizerSession
    {
        private readonly PieceEncoder _encoder = new(tokenizer._bpe, tokenizer._kind);

        public void Encode(string text, List<int> output) =>
            _encoder.Encode(tokenizer.Normalize(text), output);
    }
}
