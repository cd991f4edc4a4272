namespace DataForge.Packing.Tokenization;

/// <summary>
/// A byte-level BPE's merges as flat arrays: the id of each single byte, and an open-addressed hash from (left id,
/// right id) to (rank, merged id). Both merge rules DataForge knows are "merge the adjacent pair of lowest rank, leftmost
/// first": a Hugging Face merge list gives the pairs directly; in tiktoken's form a part is always a token, so the pairs
/// are every split of a token into two tokens, ranked by the whole token's id. The CPU encoder merges with it here and
/// the GPU kernel copies the same arrays to the device, so both run the same loop over the same table. Immutable, built
/// once per tokenizer and shared by all threads; merging allocates nothing.
/// </summary>
public sealed class MergeTable
{
    public const ulong EmptyKey = ulong.MaxValue;

    internal MergeTable(int[] byteIds, List<(int Left, int Right, int Rank, int Merged)> list)
    {
        ByteIds = byteIds;
        Bits = 4;
        while ((1L << Bits) < 2L * list.Count)
        {
            Bits++;
        }

        Keys = new ulong[1 << Bits];
        Array.Fill(Keys, EmptyKey);
        Ranks = new int[Keys.Length];
        Merged = new int[Keys.Length];
        foreach (var (left, right, rank, merged) in list)
        {
            var key = PairKey(left, right);
            var slot = Slot(key, Bits);
            while (Keys[slot] != EmptyKey)
            {
                if (Keys[slot] == key)
                {
                    throw new InvalidOperationException($"merge ({left}, {right}) is listed twice");
                }

                slot = (slot + 1) & (Keys.Length - 1);
            }

            (Keys[slot], Ranks[slot], Merged[slot]) = (key, rank, merged);
        }
    }

    /// <summary>The token id of each byte value.</summary>
    public int[] ByteIds { get; }

    /// <summary>log2 of the hash's size (at most half full).</summary>
    public int Bits { get; }

    public ulong[] Keys { get; }

    public int[] Ranks { get; }

    public int[] Merged { get; }

    public static ulong PairKey(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    /// <summary>Fibonacci hashing: the top bits of key × 2^64/φ.</summary>
    public static int Slot(ulong key, int bits) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));

    /// <summary>Merges one piece (its UTF-8 bytes) from single bytes and appends the resulting ids.</summary>
    public void Merge(ReadOnlySpan<byte> piece, List<int> output)
    {
        var n = piece.Length;
        if (n == 0)
        {
            return;
        }

        if (n > LongPieceBytes)
        {
            MergeLong(piece, output);
            return;
        }

        // Parts are a linked list over their first byte (next[k]), so a merge unlinks one part instead of shifting three
        // arrays: the shifting copies were a fifth of pack's CPU on 16 cores (issue 21's profile; CJK runs are long pieces).
        // 4n ints of stack (at most 16 KB): stackalloc zeroes what it takes, so it takes no more than the piece needs.
        Span<int> buffer = stackalloc int[4 * n];
        var symbols = buffer[..n];
        var ranks = buffer.Slice(n, n);
        var merges = buffer.Slice(2 * n, n);
        var next = buffer.Slice(3 * n, n);
        for (var k = 0; k < n; k++)
        {
            symbols[k] = ByteIds[piece[k]];
            next[k] = k + 1;
        }

        for (var k = 0; k + 1 < n; k++)
        {
            (ranks[k], merges[k]) = Lookup(symbols[k], symbols[k + 1]);
        }

        ranks[n - 1] = int.MaxValue;
        while (true)
        {
            // The lowest rank, leftmost among equals (strict <), and the part before it.
            var best = int.MaxValue;
            int at = -1, before = -1;
            for (int k = 0, previous = -1; k < n; previous = k, k = next[k])
            {
                if (ranks[k] < best)
                {
                    (best, at, before) = (ranks[k], k, previous);
                }
            }

            if (at < 0)
            {
                break;
            }

            // Part at becomes the merge and its right neighbour leaves; the pairs on both sides are looked up again.
            symbols[at] = merges[at];
            next[at] = next[next[at]];
            (ranks[at], merges[at]) = next[at] < n ? Lookup(symbols[at], symbols[next[at]]) : (int.MaxValue, -1);
            if (before >= 0)
            {
                (ranks[before], merges[before]) = Lookup(symbols[before], symbols[at]);
            }
        }

        for (var k = 0; k < n; k = next[k])
        {
            output.Add(symbols[k]);
        }
    }

    /// <summary>Pieces longer than this merge through a heap: the scan for the lowest pair is quadratic in the piece (a
    /// document of 1 000 000 identical letters is one piece, and took 455 s).</summary>
    internal const int LongPieceBytes = 1024;

    /// <summary>
    /// The same rule as <see cref="Merge"/> (lowest rank first, leftmost among equals) in O(n log n): parts are a
    /// linked list over their first byte's position, which keeps their order; candidate pairs wait in a heap keyed
    /// by (rank, position) and are checked when they come out, since a merge beside them may have changed them.
    /// </summary>
    internal void MergeLong(ReadOnlySpan<byte> piece, List<int> output)
    {
        var n = piece.Length;
        var symbols = new int[n];
        var next = new int[n];
        var previous = new int[n];
        var ranks = new int[n];
        var merged = new int[n];
        var heap = new PairHeap(n);
        for (var k = 0; k < n; k++)
        {
            symbols[k] = ByteIds[piece[k]];
            next[k] = k + 1 < n ? k + 1 : -1;
            previous[k] = k - 1;
        }

        void Pair(int left)
        {
            var right = next[left];
            (ranks[left], merged[left]) = right < 0 ? (int.MaxValue, -1) : Lookup(symbols[left], symbols[right]);
            if (ranks[left] != int.MaxValue)
            {
                heap.Push(((long)ranks[left] << 32) | (uint)left);
            }
        }

        for (var k = 0; k + 1 < n; k++)
        {
            Pair(k);
        }

        ranks[n - 1] = int.MaxValue;
        while (heap.TryPop(out var key))
        {
            var left = (int)(key & uint.MaxValue);
            // Stale when the part was merged into its left neighbour (symbols -1) or its pair has been looked up again since.
            if (symbols[left] < 0 || ranks[left] != (int)(key >> 32) || next[left] < 0)
            {
                continue;
            }

            var right = next[left];
            symbols[left] = merged[left];
            symbols[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = left;
            }

            Pair(left);
            if (previous[left] >= 0)
            {
                Pair(previous[left]);
            }
        }

        for (var k = 0; k >= 0; k = next[k])
        {
            output.Add(symbols[k]);
        }
    }

    /// <summary>
    /// A binary min-heap of (rank, position) packed in one long (rank in the high half: ranks and positions are
    /// non-negative ints, so the long order is the pair's order, leftmost among equal ranks). A third the cost of
    /// PriorityQueue with a tuple priority on one piece of 1 000 000 letters (bench: DataForge.Bench long-piece).
    /// </summary>
    private sealed class PairHeap(int capacity)
    {
        private long[] _items = new long[Math.Max(16, capacity)];
        private int _count;

        public void Push(long item)
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            var at = _count++;
            while (at > 0)
            {
                var parent = (at - 1) >> 1;
                if (_items[parent] <= item)
                {
                    break;
                }

                _items[at] = _items[parent];
                at = parent;
            }

            _items[at] = item;
        }

        public bool TryPop(out long item)
        {
            if (_count == 0)
            {
                item = 0;
                return false;
            }

            item = _items[0];
            var last = _items[--_count];
            var at = 0;
            while (true)
            {
                var child = (2 * at) + 1;
                if (child >= _count)
                {
                    break;
                }

                if (child + 1 < _count && _items[child + 1] < _items[child])
                {
                    child++;
                }

                if (_items[child] >= last)
                {
                    break;
                }

                _items[at] = _items[child];
                at = child;
            }

            _items[at] = last;
            return true;
        }
    }

    /// <summary>The pair's (rank, merged id), or (int.MaxValue, -1) when it does not merge.</summary>
    private (int Rank, int Merged) Lookup(int left, int right)
    {
        var key = PairKey(left, right);
        var mask = Keys.Length - 1;
        for (var slot = Slot(key, Bits); ; slot = (slot + 1) & mask)
        {
            var stored = Keys[slot];
            if (stored == key)
            {
                return (Ranks[slot], Merged[slot]);
            }

            if (stored == EmptyKey)
            {
                return (int.MaxValue, -1);
            }
        }
    }
}
