using System.Text;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>
/// A byte-level tokenizer flattened into the arrays the GPU kernel reads (<see cref="BpeKernel"/>): a class byte per
/// code point (the same <see cref="UnicodeClasses"/> tests the CPU scanner calls), the CPU encoder's own
/// <see cref="MergeTable"/> and <see cref="TokenTable"/> (whole tokens by a 64-bit hash of their bytes, verified byte by
/// byte). Built once per encoder, deterministically.
/// </summary>
internal sealed class BpeTables
{
    public const byte Letter = 1, Number = 2, Space = 4, UpperClass = 8, LowerClass = 16;
    public const int CodePoints = 0x110000;

    public BpeTables(IByteLevelTokenizer tokenizer)
    {
        var bpe = tokenizer.Bpe;
        Kind = tokenizer.SplitKind;
        WholePieceFirst = bpe.WholePieceFirst;
        Classes = BuildClasses();
        var merges = bpe.Merges;
        ByteIds = merges.ByteIds;
        PairBits = merges.Bits;
        PairKeys = merges.Keys;
        PairRanks = merges.Ranks;
        PairMerged = merges.Merged;
        var table = bpe.Table;
        TokenOffsets = table.TokenOffsets;
        TokenBytes = table.TokenBytes;
        MaxTokenBytes = table.MaxTokenBytes;
        WholeBits = table.Bits;
        WholeHashes = table.Hashes;
        WholeIds = table.Ids;
    }

    public PreTokenizerKind Kind { get; }

    public bool WholePieceFirst { get; }

    public byte[] Classes { get; }

    public int[] ByteIds { get; }

    public int PairBits { get; }

    public ulong[] PairKeys { get; }

    public int[] PairRanks { get; }

    public int[] PairMerged { get; }

    public int WholeBits { get; }

    public ulong[] WholeHashes { get; }

    public int[] WholeIds { get; }

    public byte[] TokenBytes { get; }

    public int[] TokenOffsets { get; }

    public int MaxTokenBytes { get; }

    private static byte[] BuildClasses()
    {
        var classes = new byte[CodePoints];
        for (var value = 0; value < CodePoints; value++)
        {
            if (!Rune.IsValid(value))
            {
                continue; // surrogates: the kernel never sees them (UTF-8 from .NET strings holds U+FFFD instead)
            }

            var rune = new Rune(value);
            classes[value] = (byte)((UnicodeClasses.IsLetter(rune) ? Letter : 0)
                | (UnicodeClasses.IsNumber(rune) ? Number : 0)
                | (UnicodeClasses.IsSpace(rune) ? Space : 0)
                | (UnicodeClasses.IsUpperClass(rune) ? UpperClass : 0)
                | (UnicodeClasses.IsLowerClass(rune) ? LowerClass : 0));
        }

        return classes;
    }
}
