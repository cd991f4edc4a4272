using System.Text;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>
/// A byte-level tokenizer flattened into the arrays the GPU kernel reads (<see cref="BpeKernel"/>): a class byte per
/// code point (the same <see cref="UnicodeClasses"/> tests the CPU scanner calls), the CPU encoder's own
/// <see cref="MergeTable"/>, and an open-addressed hash of whole tokens keyed by a 64-bit hash of their bytes (verified
/// byte by byte, so a hash collision cannot change an id). Built once per encoder, deterministically.
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
        TokenOffsets = new int[bpe.Count + 1];
        var bytes = new List<byte>();
        for (var id = 0; id < bpe.Count; id++)
        {
            TokenOffsets[id] = bytes.Count;
            bytes.AddRange(bpe.TokenBytes(id));
            MaxTokenBytes = Math.Max(MaxTokenBytes, bpe.TokenBytes(id).Length);
        }

        TokenOffsets[bpe.Count] = bytes.Count;
        TokenBytes = [.. bytes];
        WholeBits = BitsFor(bpe.Count);
        WholeHashes = new ulong[1 << WholeBits];
        WholeIds = new int[WholeHashes.Length];
        Array.Fill(WholeIds, -1);
        for (var id = 0; id < bpe.Count; id++)
        {
            var token = bpe.TokenBytes(id);
            if (!bpe.TryGetId(token, out var owner) || owner != id)
            {
                continue; // a spelling two ids share: the GPU finds the id the CPU's dictionary holds
            }

            var hash = HashBytes(token);
            var slot = MergeTable.Slot(hash, WholeBits);
            while (WholeIds[slot] >= 0)
            {
                slot = (slot + 1) & (WholeIds.Length - 1);
            }

            (WholeHashes[slot], WholeIds[slot]) = (hash, id);
        }
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

    /// <summary>FNV-1a over the bytes, finished with a xor-shift so the top bits (the slot) depend on every byte.</summary>
    public static ulong HashBytes(ReadOnlySpan<byte> bytes)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return FinishHash(hash);
    }

    public static ulong FinishHash(ulong hash) => hash ^ (hash >> 29) ^ (hash >> 47);

    /// <summary>Table bits for at most half occupancy.</summary>
    private static int BitsFor(int count)
    {
        var bits = 4;
        while ((1L << bits) < 2L * count)
        {
            bits++;
        }

        return bits;
    }

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
