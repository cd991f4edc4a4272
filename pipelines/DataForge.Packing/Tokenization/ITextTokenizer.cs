namespace DataForge.Packing.Tokenization;

/// <summary>
/// A tokenizer for text parts. Encoding never turns text into special tokens: a document that contains the
/// characters "&lt;|endoftext|&gt;" gets the ids of those characters, so data cannot forge control tokens.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>e.g. <c>cl100k_base</c>, or the tokenizer.json file name.</summary>
    string Name { get; }

    /// <summary>One more than the highest id the tokenizer can produce, specials included.</summary>
    int VocabSize { get; }

    /// <summary>sha256 over everything that decides the ids: vocabulary, split rule and special tokens.</summary>
    string Fingerprint { get; }

    /// <summary>The token that ends a document (<c>&lt;|endoftext|&gt;</c> for tiktoken encodings).</summary>
    int EndOfDocumentId { get; }

    /// <summary>Special (control) tokens by name; includes DataForge's media tokens.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>A per-thread encoder (caches, buffers): create one per worker; it is not thread-safe.</summary>
    ITokenizerSession CreateSession();

    /// <summary>The bytes of the tokens (special tokens as their names).</summary>
    byte[] DecodeBytes(ReadOnlySpan<int> ids);
}

public interface ITokenizerSession
{
    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="output"/> (what it held before stays).</summary>
    void Encode(string text, List<int> output);
}
