namespace DataForge.Packing.Tokenization;

/// <summary>The split rules of the byte-level BPE encodings DataForge knows.</summary>
public enum PreTokenizerKind
{
    /// <summary>
    /// tiktoken cl100k_base as the tiktoken package ships it, which is also Llama-3's pattern:
    /// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
    /// </summary>
    Cl100k,

    /// <summary>Qwen2 / Qwen2.5: the cl100k pattern with single digits (<c>\p{N}</c>).</summary>
    Qwen2,

    /// <summary>tiktoken o200k_base (GPT-4o): case-aware words, contractions attached, '/' after punctuation.</summary>
    O200k,
}
