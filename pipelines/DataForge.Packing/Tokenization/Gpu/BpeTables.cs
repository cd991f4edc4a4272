using System.Text;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>
/// A byte-level tokenizer flattened into the arrays the GPU kernel reads (<see cref="BpeKernel"/>): a class byte per
/// code point (the same <see cref="UnicodeClasses"/> tests the CPU scanner calls), the id of each single byte, an
/// open-addressed hash of merges keyed by (left id, right id), and an open-addressed hash of whole tokens keyed by a
/// 64-bit hash of their bytes (verified byte by byte, so a hash collision cannot change an id). Built once per encoder,
/// deterministically.
/// </summary>
internal sealed class BpeTables
{
    public const byte Letter = 1, Number = 2, Space = 4, UpperClass = 8, LowerClass = 16;
    public const ulong EmptyKey = ulong.MaxValue;
    public const int CodePoints = 0x110000;

    public BpeTables(IByteLevelTokenizer tokenizer)
    {
        var bpe = tokenizer.Bpe;
        Kind = tokenizer.SplitKind;
        WholePieceFirst = bpe.WholePieceFirst;
        Classes = BuildClasses();
        ByteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            ByteIds[b] = bpe.ByteId((byte)b);
        }

        var pairs = bpe.MergePairs().ToList();
        PairBits = BitsFor(pairs.Count);
        PairKeys = new ulong[1 << PairBits];
        Array.Fill(PairKeys, EmptyKey);
        PairRanks = new int[PairKeys.Length];
        PairMerged = new int[PairKeys.Length];
        foreach (var (left, right, rank, merged) in pairs)
        {
            var key = PairKey(left, right);
            var slot = Slot(key, PairBits);
            while (PairKeys[slot] != EmptyKey)
            {
                if (PairKeys[slot] == key)
                {
                    throw new InvalidOperationException($"merge ({left}, {right}) is listed twice");
                }

                slot = (slot + 1) & (PairKeys.Length - 1);
            }

            (PairKeys[slot], PairRanks[slot], PairMerged[slot]) = (key, rank, merged);
        }

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
            var slot = Slot(hash, WholeBits);
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

    public static ulong PairKey(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    /// <summary>Fibonacci hashing: the top bits of key × 2^64/φ.</summary>
    public static int Slot(ulong key, int bits) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));

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
