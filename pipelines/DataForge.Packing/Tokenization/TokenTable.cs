namespace DataForge.Packing.Tokenization;

/// <summary>
/// A vocabulary's tokens by their bytes: an open-addressed hash (at most half full) keyed by a 64-bit FNV-1a hash of
/// the bytes and verified byte by byte, so a hash collision cannot change an id. The CPU encoder looks its pieces up
/// here and the GPU kernel reads the same arrays (<see cref="Gpu.BpeTables"/>), one rule on both. It replaced a
/// <c>Dictionary&lt;string, int&gt;</c> over Latin-1-widened bytes, whose lookups through the alternate comparer were
/// a third of the tokenizer's time in pack once dynamic PGO was off (issue 21's profile on 2 cores). A spelling that
/// two ids share keeps the later id, as the dictionary did. Immutable; built once per tokenizer.
/// </summary>
public sealed class TokenTable
{
    public TokenTable(byte[][] tokens)
    {
        TokenOffsets = new int[tokens.Length + 1];
        var offset = 0L;
        for (var id = 0; id < tokens.Length; id++)
        {
            TokenOffsets[id] = checked((int)offset);
            offset += tokens[id].Length;
            MaxTokenBytes = Math.Max(MaxTokenBytes, tokens[id].Length);
        }

        TokenOffsets[tokens.Length] = checked((int)offset);
        TokenBytes = new byte[offset];
        for (var id = 0; id < tokens.Length; id++)
        {
            tokens[id].CopyTo(TokenBytes, TokenOffsets[id]);
        }

        Bits = 4;
        while ((1L << Bits) < 2L * tokens.Length)
        {
            Bits++;
        }

        Hashes = new ulong[1 << Bits];
        Ids = new int[Hashes.Length];
        Array.Fill(Ids, -1);
        var mask = Ids.Length - 1;
        for (var id = 0; id < tokens.Length; id++)
        {
            var hash = Hash(tokens[id]);
            var slot = MergeTable.Slot(hash, Bits);
            while (Ids[slot] >= 0 && !(Hashes[slot] == hash && Bytes(Ids[slot]).SequenceEqual(tokens[id])))
            {
                slot = (slot + 1) & mask;
            }

            (Hashes[slot], Ids[slot]) = (hash, id);
        }
    }

    /// <summary>log2 of the table's size.</summary>
    public int Bits { get; }

    /// <summary>Each slot's hash (meaningful where <see cref="Ids"/> holds an id).</summary>
    public ulong[] Hashes { get; }

    /// <summary>Each slot's token id, or -1 for an empty slot.</summary>
    public int[] Ids { get; }

    /// <summary>Every token's bytes, in id order.</summary>
    public byte[] TokenBytes { get; }

    /// <summary>Where each token's bytes start in <see cref="TokenBytes"/>, and one past the last.</summary>
    public int[] TokenOffsets { get; }

    public int MaxTokenBytes { get; }

    public ReadOnlySpan<byte> Bytes(int id) => TokenBytes.AsSpan(TokenOffsets[id], TokenOffsets[id + 1] - TokenOffsets[id]);

    /// <summary>The id of the token spelled <paramref name="bytes"/>, if there is one.</summary>
    public bool TryGetId(ReadOnlySpan<byte> bytes, out int id) => TryGetId(bytes, Hash(bytes), out id);

    /// <summary>The same, given the bytes' <see cref="Hash"/> (an encoder hashes each piece once for two tables).</summary>
    public bool TryGetId(ReadOnlySpan<byte> bytes, ulong hash, out int id)
    {
        if (bytes.Length <= MaxTokenBytes)
        {
            var mask = Ids.Length - 1;
            for (var slot = MergeTable.Slot(hash, Bits); Ids[slot] >= 0; slot = (slot + 1) & mask)
            {
                if (Hashes[slot] == hash && Bytes(Ids[slot]).SequenceEqual(bytes))
                {
                    id = Ids[slot];
                    return true;
                }
            }
        }

        id = -1;
        return false;
    }

    /// <summary>FNV-1a over the bytes, finished with a xor-shift so the top bits (the slot) depend on every byte; the
    /// GPU kernel computes the same (<see cref="Gpu.BpeKernel"/>).</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return FinishHash(hash);
    }

    public static ulong FinishHash(ulong hash) => hash ^ (hash >> 29) ^ (hash >> 47);
}
