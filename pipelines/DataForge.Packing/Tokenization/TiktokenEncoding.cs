using System.Collections.Frozen;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using DataForge.Core.Hashing;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// tiktoken's cl100k_base and o200k_base: the vocabularies ship in the Microsoft.ML.Tokenizers.Data packages
/// (deflated token lists); splitting and merging are ours
/// (<see cref="PieceScanner"/>, <see cref="ByteLevelBpe"/>), checked against tiktoken's own ids in the tests.
/// </summary>
public sealed class TiktokenEncoding : IByteLevelTokenizer
{
    /// <summary>DataForge's media markers, appended after the encoding's own specials (DESIGN.md §3).</summary>
    public static readonly IReadOnlyList<string> MediaTokens =
        ["<|image_start|>", "<|image_pad|>", "<|image_end|>", "<|audio_start|>", "<|audio_pad|>", "<|audio_end|>"];

    private readonly ByteLevelBpe _bpe;
    private readonly PreTokenizerKind _kind;
    private readonly FrozenDictionary<int, string> _specialNames;
    private readonly Lazy<string> _fingerprint;

    private TiktokenEncoding(string name, ByteLevelBpe bpe, PreTokenizerKind kind, IReadOnlyDictionary<string, int> encodingSpecials)
    {
        Name = name;
        _bpe = bpe;
        _kind = kind;
        var specials = new Dictionary<string, int>(encodingSpecials, StringComparer.Ordinal);
        var next = Math.Max(bpe.Count, encodingSpecials.Values.DefaultIfEmpty(-1).Max() + 1);
        foreach (var media in MediaTokens)
        {
            specials[media] = next++;
        }

        SpecialTokens = specials.ToFrozenDictionary(StringComparer.Ordinal);
        _specialNames = specials.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);
        VocabSize = next;
        _fingerprint = new Lazy<string>(ComputeFingerprint);
    }

    public string Name { get; }

    public int VocabSize { get; }

    public string Fingerprint => _fingerprint.Value;

    public ByteLevelBpe Bpe => _bpe;

    public PreTokenizerKind SplitKind => _kind;

    public string Normalize(string text) => text;

    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public int EndOfDocumentId => SpecialTokens["<|endoftext|>"];

    public static IReadOnlyList<string> KnownEncodings { get; } = ["cl100k_base", "o200k_base"];

    /// <summary>Loads a named encoding; null for a name it does not know.</summary>
    public static TiktokenEncoding? TryLoad(string name) => name switch
    {
        "cl100k_base" => new TiktokenEncoding(
            name,
            LoadRanks("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
            PreTokenizerKind.Cl100k,
            // tiktoken openai_public.py: cl100k_base special tokens.
            new Dictionary<string, int> { ["<|endoftext|>"] = 100257, ["<|fim_prefix|>"] = 100258, ["<|fim_middle|>"] = 100259, ["<|fim_suffix|>"] = 100260, ["<|endofprompt|>"] = 100276 }),
        "o200k_base" => new TiktokenEncoding(
            name,
            LoadRanks("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
            PreTokenizerKind.O200k,
            new Dictionary<string, int> { ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018 }),
        _ => null,
    };

    public ITokenizerSession CreateSession() => new Session(this);

    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        using var bytes = new MemoryStream();
        foreach (var id in ids)
        {
            if (id >= 0 && id < _bpe.Count)
            {
                bytes.Write(_bpe.TokenBytes(id));
            }
            else if (_specialNames.TryGetValue(id, out var special))
            {
                bytes.Write(Encoding.UTF8.GetBytes(special));
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"not an id of {Name}");
            }
        }

        return bytes.ToArray();
    }

    private static ByteLevelBpe LoadRanks(string assemblyName, string resource)
    {
        var assembly = Assembly.Load(assemblyName);
        using var compressed = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} has no resource {resource}");
        using var reader = new StreamReader(new DeflateStream(compressed, CompressionMode.Decompress), Encoding.ASCII);
        var tokens = new List<byte[]>(200_000);
        while (reader.ReadLine() is { } line)
        {
            // The data packages store "Capacity: N", then one base64 token per line, the rank being the line
            // number; plain .tiktoken files hold "base64 rank" pairs. Both are accepted.
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space >= 0)
            {
                var rank = int.Parse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture);
                if (rank != tokens.Count)
                {
                    throw new InvalidDataException($"{resource}: rank {rank} out of order at token {tokens.Count}");
                }
            }

            tokens.Add(Convert.FromBase64String(space >= 0 ? line[..space] : line));
        }

        return new ByteLevelBpe([.. tokens]);
    }

    private string ComputeFingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"tiktoken-bpe\n{_kind}\n"));
        for (var id = 0; id < _bpe.Count; id++)
        {
            hash.AppendData(BitConverter.GetBytes(_bpe.TokenBytes(id).Length));
            hash.AppendData(_bpe.TokenBytes(id));
        }

        foreach (var (name, id) in SpecialTokens.OrderBy(pair => pair.Value))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{name}={id}"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private sealed class Session(TiktokenEncoding encoding) : ITokenizerSession
    {
        private readonly PieceEncoder _encoder = new(encoding._bpe, encoding._kind);

        public void Encode(string text, List<int> output) => _encoder.Encode(text, output);
    }
}
