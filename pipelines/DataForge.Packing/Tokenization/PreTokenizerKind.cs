namespace DataForge.Packing.Tokenization;

/// <summary>The split rules of the byte-level BPE encodings DataForge knows.</summary>
public enum PreTokenizerKind
{
    /// <summary>tiktoken cl100k_base (GPT-4); also Llama-3's pattern, which has the same alternatives.</summary>
    Cl100k,

    /// <summary>tiktoken o200k_base (GPT-4o): case-aware words, contractions attached, '/' after punctuation.</summary>
    O200k,
}
