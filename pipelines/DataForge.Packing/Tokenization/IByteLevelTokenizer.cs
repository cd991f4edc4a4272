namespace DataForge.Packing.Tokenization;

/// <summary>
/// A tokenizer made of a split rule and a byte-level BPE, which is what the GPU tokenizer needs to encode the same ids
/// in its own kernels (<see cref="Gpu.GpuTextEncoder"/>).
/// </summary>
public interface IByteLevelTokenizer : ITextTokenizer
{
    ByteLevelBpe Bpe { get; }

    PreTokenizerKind SplitKind { get; }

    /// <summary>The text the split rule sees: the input after the tokenizer's normalizer (NFC for some tokenizer.json files).</summary>
    string Normalize(string text);
}
