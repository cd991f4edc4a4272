using ILGPU;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>The tokenizer's tables on the device (<see cref="BpeTables"/>).</summary>
internal struct DeviceTables
{
    public ArrayView<byte> Classes;
    public ArrayView<int> ByteIds;
    public ArrayView<ulong> PairKeys;
    public ArrayView<int> PairRanks;
    public ArrayView<int> PairMerged;
    public ArrayView<ulong> WholeHashes;
    public ArrayView<int> WholeIds;
    public ArrayView<byte> TokenBytes;
    public ArrayView<int> TokenOffsets;
    public int PairBits;
    public int WholeBits;
    public int MaxTokenBytes;
    public int Kind;
    public int WholePieceFirst;
}

/// <summary>
/// One batch on the device: the documents' UTF-8 bytes back to back, where each starts (DocOffsets, one more than
/// documents) and its first chunk (DocFirstChunk, likewise); Ids gets one int per byte.
/// </summary>
internal struct DeviceBatch
{
    public ArrayView<byte> Text;
    public ArrayView<int> DocOffsets;
    public ArrayView<int> DocFirstChunk;
    public ArrayView<int> Ids;
    public int Documents;
}

/// <summary>
/// The GPU tokenizer's kernel, one thread per <see cref="ChunkBytes"/> bytes of a document. A thread starts at the first
/// safe boundary in its chunk and scans pieces (the split regex, as <see cref="PieceScanner"/> does, here over UTF-8
/// bytes) until it reaches a safe boundary at or past the chunk's end, where the next thread began; each piece is merged
/// at once (lowest-rank adjacent pair, leftmost first, over the merge hash) and its ids written where the piece's bytes
/// start, the rest of its bytes set to <see cref="NoToken"/>. A safe boundary is a position every split must cut at
/// whatever came before: a letter followed by something that is neither a letter, a mark nor an apostrophe (no
/// alternative of the patterns runs on from a letter over such a rune), so threads need no knowledge of each other.
/// Pieces longer than <see cref="MaxPieceBytes"/> (that are not whole tokens) are marked <see cref="CpuPiece"/> and
/// merged on the host.
/// </summary>
internal static class BpeKernel
{
    public const int ChunkBytes = 64;
    public const int MaxPieceBytes = 256;
    public const int NoToken = -1;
    public const int CpuPiece = -2;

    private const int Cl100k = (int)PreTokenizerKind.Cl100k;
    private const int Qwen2 = (int)PreTokenizerKind.Qwen2;

    public static void Encode(Index1D index, DeviceTables tables, DeviceBatch batch)
    {
        int chunk = index;
        var symbols = LocalMemory.Allocate<int>(MaxPieceBytes);
        var ranks = LocalMemory.Allocate<int>(MaxPieceBytes);
        var merges = LocalMemory.Allocate<int>(MaxPieceBytes);

        // The document of this chunk: the last whose first chunk is at or before it.
        int low = 0, high = batch.Documents - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (batch.DocFirstChunk[middle] <= chunk)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var text = new Utf8Text(batch.Text, tables.Classes, batch.DocOffsets[low], batch.DocOffsets[low + 1]);
        var start = text.Start + ((chunk - batch.DocFirstChunk[low]) * ChunkBytes);
        var end = start + ChunkBytes < text.End ? start + ChunkBytes : text.End;
        var position = start;
        if (start > text.Start)
        {
            while (position < text.End && !text.IsSafeBoundary(position))
            {
                position++;
            }
        }

        if (position >= end)
        {
            return; // no piece starts here that the thread before does not reach
        }

        while (position < text.End && (position < end || !text.IsSafeBoundary(position)))
        {
            var pieceEnd = NextPiece(text, position, tables.Kind);
            EncodePiece(text, position, pieceEnd, tables, batch.Ids, symbols, ranks, merges);
            position = pieceEnd;
        }
    }

    private static int NextPiece(Utf8Text text, int i, int kind) => kind switch
    {
        Cl100k => Cl100kPiece(text, i, 3),
        Qwen2 => Cl100kPiece(text, i, 1),
        _ => O200kPiece(text, i),
    };

    private static void EncodePiece(
        Utf8Text text, int start, int end, DeviceTables tables, ArrayView<int> ids, ArrayView<int> symbols, ArrayView<int> ranks, ArrayView<int> merges)
    {
        var n = end - start;
        if (n == 1)
        {
            ids[start] = tables.ByteIds[(int)text.Bytes[start]];
            return;
        }

        if (tables.WholePieceFirst != 0 && n <= tables.MaxTokenBytes)
        {
            var whole = WholeToken(text.Bytes, start, end, tables);
            if (whole >= 0)
            {
                ids[start] = whole;
                Fill(ids, start + 1, end, NoToken);
                return;
            }
        }

        if (n > MaxPieceBytes)
        {
            ids[start] = CpuPiece;
            Fill(ids, start + 1, end, NoToken);
            return;
        }

        for (var k = 0; k < n; k++)
        {
            symbols[k] = tables.ByteIds[(int)text.Bytes[start + k]];
        }

        for (var k = 0; k + 1 < n; k++)
        {
            Lookup(tables, symbols[k], symbols[k + 1], ranks, merges, k);
        }

        var parts = n;
        while (parts > 1)
        {
            var best = int.MaxValue;
            var at = -1;
            for (var k = 0; k + 1 < parts; k++)
            {
                if (ranks[k] < best)
                {
                    best = ranks[k];
                    at = k;
                }
            }

            if (at < 0)
            {
                break;
            }

            symbols[at] = merges[at];
            for (var k = at + 1; k + 1 < parts; k++)
            {
                symbols[k] = symbols[k + 1];
            }

            for (var k = at; k + 2 < parts; k++)
            {
                ranks[k] = ranks[k + 1];
                merges[k] = merges[k + 1];
            }

            parts--;
            if (at > 0)
            {
                Lookup(tables, symbols[at - 1], symbols[at], ranks, merges, at - 1);
            }

            if (at + 1 < parts)
            {
                Lookup(tables, symbols[at], symbols[at + 1], ranks, merges, at);
            }
        }

        for (var k = 0; k < parts; k++)
        {
            ids[start + k] = symbols[k];
        }

        Fill(ids, start + parts, end, NoToken);
    }

    private static void Fill(ArrayView<int> ids, int from, int to, int value)
    {
        for (var k = from; k < to; k++)
        {
            ids[k] = value;
        }
    }

    /// <summary>The merge of (left, right) into ranks[at]/merges[at]; int.MaxValue as rank when there is none.</summary>
    private static void Lookup(DeviceTables tables, int left, int right, ArrayView<int> ranks, ArrayView<int> merges, int at)
    {
        var key = MergeTable.PairKey(left, right);
        var mask = (1 << tables.PairBits) - 1;
        var slot = MergeTable.Slot(key, tables.PairBits);
        while (true)
        {
            var stored = tables.PairKeys[slot];
            if (stored == key)
            {
                ranks[at] = tables.PairRanks[slot];
                merges[at] = tables.PairMerged[slot];
                return;
            }

            if (stored == MergeTable.EmptyKey)
            {
                ranks[at] = int.MaxValue;
                merges[at] = -1;
                return;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>The id of the token whose bytes are text[start, end), or -1.</summary>
    private static int WholeToken(ArrayView<byte> text, int start, int end, DeviceTables tables)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var k = start; k < end; k++)
        {
            hash = (hash ^ text[k]) * 0x100000001B3UL;
        }

        hash = TokenTable.FinishHash(hash);
        var mask = (1 << tables.WholeBits) - 1;
        var slot = MergeTable.Slot(hash, tables.WholeBits);
        while (true)
        {
            var id = tables.WholeIds[slot];
            if (id < 0)
            {
                return -1;
            }

            if (tables.WholeHashes[slot] == hash && SameBytes(text, start, end, tables, id))
            {
                return id;
            }

            slot = (slot + 1) & mask;
        }
    }

    private static bool SameBytes(ArrayView<byte> text, int start, int end, DeviceTables tables, int id)
    {
        var offset = tables.TokenOffsets[id];
        if (tables.TokenOffsets[id + 1] - offset != end - start)
        {
            return false;
        }

        for (var k = 0; k < end - start; k++)
        {
            if (tables.TokenBytes[offset + k] != text[start + k])
            {
                return false;
            }
        }

        return true;
    }

    // ---- the split patterns, over UTF-8 (see PieceScanner for the regexes and the reasoning) ----

    private static int Cl100kPiece(Utf8Text c, int i, int maxDigits)
    {
        var n = c.End;
        if (c.Bytes[i] == '\'')
        {
            var a = c.Next(i);
            if (a < n)
            {
                var ra = c.CodePoint(a);
                if (FoldsTo(ra, 's') || FoldsTo(ra, 'd') || FoldsTo(ra, 'm') || FoldsTo(ra, 't'))
                {
                    return c.Next(a);
                }

                var b = c.Next(a);
                if (b < n && IsTwoLetterContraction(ra, c.CodePoint(b)))
                {
                    return c.Next(b);
                }
            }
        }

        var j = -1;
        if (c.Is(i, BpeTables.Letter))
        {
            j = i;
        }
        else if (c.IsPrefixChar(i) && c.Next(i) < n && c.Is(c.Next(i), BpeTables.Letter))
        {
            j = c.Next(i);
        }

        if (j >= 0)
        {
            return c.Run(j, BpeTables.Letter, int.MaxValue);
        }

        if (c.Is(i, BpeTables.Number))
        {
            return c.Run(i, BpeTables.Number, maxDigits);
        }

        var punctuation = Punctuation(c, i, false);
        if (punctuation > 0)
        {
            return punctuation;
        }

        return c.Is(i, BpeTables.Space) ? Whitespace(c, i) : c.Next(i);
    }

    private static int O200kPiece(Utf8Text c, int i)
    {
        var canPrefix = c.IsPrefixChar(i);
        for (var word = 0; word < 2; word++)
        {
            if (canPrefix)
            {
                var withPrefix = word == 0 ? LowerWord(c, c.Next(i)) : UpperWord(c, c.Next(i));
                if (withPrefix > 0)
                {
                    return withPrefix;
                }
            }

            var without = word == 0 ? LowerWord(c, i) : UpperWord(c, i);
            if (without > 0)
            {
                return without;
            }
        }

        if (c.Is(i, BpeTables.Number))
        {
            return c.Run(i, BpeTables.Number, 3);
        }

        var punctuation = Punctuation(c, i, true);
        if (punctuation > 0)
        {
            return punctuation;
        }

        return c.Is(i, BpeTables.Space) ? Whitespace(c, i) : c.Next(i);
    }

    /// <summary><c>\s*[\r\n]+|\s+(?!\S)|\s+</c> at a whitespace rune: the piece's end.</summary>
    private static int Whitespace(Utf8Text c, int i)
    {
        var k = c.Run(i, BpeTables.Space, int.MaxValue);
        for (var p = k - 1; p >= i; p--)
        {
            // \r and \n are single bytes that never occur inside a longer UTF-8 sequence.
            if (c.Bytes[p] == '\r' || c.Bytes[p] == '\n')
            {
                return p + 1;
            }
        }

        if (k == c.End)
        {
            return k;
        }

        var last = c.Previous(k);
        return last > i ? last : k;
    }

    /// <summary><c>[upper]*[lower]+contraction?</c> from s: its end, or 0.</summary>
    private static int LowerWord(Utf8Text c, int s)
    {
        if (s >= c.End)
        {
            return 0;
        }

        var upperEnd = c.Run(s, BpeTables.UpperClass, int.MaxValue);
        var k = upperEnd;
        while (true)
        {
            if (k < c.End && c.Is(k, BpeTables.LowerClass))
            {
                var end = c.Run(k, BpeTables.LowerClass, int.MaxValue);
                return end + Contraction(c, end);
            }

            if (k <= s)
            {
                return 0;
            }

            k = c.Previous(k);
        }
    }

    /// <summary><c>[upper]+[lower]*contraction?</c> from s: its end, or 0.</summary>
    private static int UpperWord(Utf8Text c, int s)
    {
        if (s >= c.End || !c.Is(s, BpeTables.UpperClass))
        {
            return 0;
        }

        var end = c.Run(c.Run(s, BpeTables.UpperClass, int.MaxValue), BpeTables.LowerClass, int.MaxValue);
        return end + Contraction(c, end);
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="at"/>: its length in bytes, or 0.</summary>
    private static int Contraction(Utf8Text c, int at)
    {
        if (at >= c.End || c.Bytes[at] != '\'' || at + 1 >= c.End)
        {
            return 0;
        }

        var a = at + 1;
        var ra = c.CodePoint(a);
        if (FoldsTo(ra, 's') || FoldsTo(ra, 't'))
        {
            return c.Next(a) - at;
        }

        var b = c.Next(a);
        if (b < c.End && (FoldsTo(ra, 'r') || FoldsTo(ra, 'v')) && FoldsTo(c.CodePoint(b), 'e'))
        {
            return c.Next(b) - at;
        }

        if (FoldsTo(ra, 'm'))
        {
            return c.Next(a) - at;
        }

        if (b < c.End && FoldsTo(ra, 'l') && FoldsTo(c.CodePoint(b), 'l'))
        {
            return c.Next(b) - at;
        }

        return FoldsTo(ra, 'd') ? c.Next(a) - at : 0;
    }

    private static bool IsTwoLetterContraction(int a, int b) =>
        (FoldsTo(a, 'l') && FoldsTo(b, 'l')) || (FoldsTo(a, 'v') && FoldsTo(b, 'e')) || (FoldsTo(a, 'r') && FoldsTo(b, 'e'));

    /// <summary><c> ?[^\s\p{L}\p{N}]+[\r\n]*</c> (o200k: <c>[\r\n/]*</c>): its end, or 0.</summary>
    private static int Punctuation(Utf8Text c, int i, bool allowSlash)
    {
        var j = i;
        if (c.Bytes[j] == ' ')
        {
            j++;
        }

        if (j >= c.End || !c.IsPunctuation(j))
        {
            return 0;
        }

        while (j < c.End && c.IsPunctuation(j))
        {
            j = c.Next(j);
        }

        while (j < c.End && (c.Bytes[j] == '\r' || c.Bytes[j] == '\n' || (allowSlash && c.Bytes[j] == '/')))
        {
            j++;
        }

        return j;
    }

    /// <summary>As <see cref="UnicodeClasses.FoldsTo"/>.</summary>
    private static bool FoldsTo(int codePoint, char lower) =>
        codePoint == 0x017F ? lower == 's'
        : codePoint == 0x212A ? lower == 'k'
        : codePoint < 128 && (codePoint is >= 'A' and <= 'Z' ? codePoint + 32 : codePoint) == lower;
}
