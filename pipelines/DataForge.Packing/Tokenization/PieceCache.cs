namespace DataForge.Packing.Tokenization;

/// <summary>
/// One encoder's cache of piece bytes → ids for pieces that are not a token whole (web text repeats its words; CJK
/// runs are long pieces): open-addressed by the piece's <see cref="TokenTable.Hash"/>, keys and ids in two arenas.
/// Bounded: at most 65 536 pieces of at most <see cref="MaxPieceBytes"/> bytes and 4 MiB of keys, after which it is
/// cleared (keeping its arrays, so a full cache allocates nothing). A lookup probes at most 16 slots and an insert that
/// finds none free is dropped, so pieces crafted to collide cost a cache miss each, never a long probe. A cache only
/// saves merges: the ids are the same with or without it. Not thread-safe: each encoder holds its own.
/// </summary>
internal sealed class PieceCache
{
    /// <summary>Longer pieces are merged every time (they seldom repeat, and would crowd out the short ones).</summary>
    public const int MaxPieceBytes = 1024;

    private const int SlotBits = 17;
    private const int MaxEntries = 1 << (SlotBits - 1);
    private const int MaxProbes = 16;
    private const int MaxKeyBytes = 4 << 20;

    private readonly ulong[] _hashes = new ulong[1 << SlotBits];
    private readonly int[] _slots = new int[1 << SlotBits]; // entry + 1; 0 is an empty slot
    private readonly int[] _keyStarts = new int[MaxEntries + 1];
    private readonly int[] _idStarts = new int[MaxEntries + 1];
    private byte[] _keys = new byte[1 << 16];
    private int[] _ids = new int[1 << 14];
    private int _count;

    public bool TryGet(ReadOnlySpan<byte> piece, ulong hash, out ReadOnlySpan<int> ids)
    {
        var mask = _slots.Length - 1;
        var slot = MergeTable.Slot(hash, SlotBits);
        for (var probe = 0; probe < MaxProbes && _slots[slot] != 0; probe++, slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (_hashes[slot] == hash && _keys.AsSpan(_keyStarts[entry], _keyStarts[entry + 1] - _keyStarts[entry]).SequenceEqual(piece))
            {
                ids = _ids.AsSpan(_idStarts[entry], _idStarts[entry + 1] - _idStarts[entry]);
                return true;
            }
        }

        ids = default;
        return false;
    }

    public void Add(ReadOnlySpan<byte> piece, ulong hash, ReadOnlySpan<int> ids)
    {
        if (piece.Length > MaxPieceBytes)
        {
            return;
        }

        if (_count == MaxEntries || _keyStarts[_count] + piece.Length > MaxKeyBytes)
        {
            Array.Clear(_slots);
            _count = 0;
        }

        var mask = _slots.Length - 1;
        var slot = MergeTable.Slot(hash, SlotBits);
        var probe = 0;
        for (; probe < MaxProbes && _slots[slot] != 0; probe++)
        {
            slot = (slot + 1) & mask;
        }

        if (probe == MaxProbes)
        {
            return;
        }

        var keyStart = _keyStarts[_count];
        var idStart = _idStarts[_count];
        EnsureLength(ref _keys, keyStart + piece.Length);
        EnsureLength(ref _ids, idStart + ids.Length);
        piece.CopyTo(_keys.AsSpan(keyStart));
        ids.CopyTo(_ids.AsSpan(idStart));
        _keyStarts[_count + 1] = keyStart + piece.Length;
        _idStarts[_count + 1] = idStart + ids.Length;
        (_hashes[slot], _slots[slot]) = (hash, ++_count);
    }

    private static void EnsureLength<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            Array.Resize(ref array, Math.Max(length, 2 * array.Length));
        }
    }
}
