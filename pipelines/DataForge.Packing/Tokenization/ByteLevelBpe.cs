using System.Buffers;
using System.Text;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// A byte-level BPE vocabulary. In tiktoken's form (no merge list) a token's id is its merge rank, and encoding a
/// piece merges, at each step, the adjacent pair whose concatenation has the lowest rank (tiktoken's
/// <c>byte_pair_merge</c>). With a Hugging Face merge list, the adjacent pair earliest in the list merges first
/// (tokenizers' BPE <c>merge_all</c>), after a whole-piece lookup when <c>ignore_merges</c> is set.
/// Immutable and shared by all threads; per-thread state lives in the tokenizers' sessions.
/// </summary>
public sealed class ByteLevelBpe
{
    private readonly Dictionary<string, int> _ranks;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly byte[][] _tokens;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)>? _merges;
    private readonly bool _wholePieceFirst;

    /// <param name="tokens">Token bytes by id; ids are dense from 0.</param>
    /// <param name="merges">Hugging Face merges by pair of ids, or null for tiktoken's rank rule.</param>
    /// <param name="wholePieceFirst">Use a piece that is itself a token before merging (tiktoken always does; HF's ignore_merges).</param>
    public ByteLevelBpe(byte[][] tokens, Dictionary<(int Left, int Right), (int Rank, int Merged)>? merges = null, bool wholePieceFirst = true)
    {
        _tokens = tokens;
        _merges = merges;
        _wholePieceFirst = wholePieceFirst;
        _ranks = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            _ranks[Widen(tokens[id])] = id;
        }

        _lookup = _ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var b = 0; b < 256; b++)
        {
            if (!_ranks.ContainsKey(((char)b).ToString()))
            {
                throw new ArgumentException($"the vocabulary lacks the single byte 0x{b:x2}; byte-level BPE needs all 256", nameof(tokens));
            }
        }
    }

    public int Count => _tokens.Length;

    public ReadOnlySpan<byte> TokenBytes(int id) => _tokens[id];

    /// <summary>Appends the ids of one piece (its UTF-8 bytes widened to chars, one char per byte).</summary>
    public void EncodePiece(ReadOnlySpan<char> widenedBytes, List<int> output)
    {
        if (_wholePieceFirst && _lookup.TryGetValue(widenedBytes, out var whole))
        {
            output.Add(whole);
            return;
        }

        if (_merges is not null)
        {
            MergeByList(widenedBytes, output);
            return;
        }

        var n = widenedBytes.Length;
        // boundaries[k] = start of part k; ranks[k] = rank of parts k and k+1 merged (int.MaxValue: not a token).
        var boundaries = ArrayPool<int>.Shared.Rent(n + 1);
        var ranks = ArrayPool<int>.Shared.Rent(n + 1);
        try
        {
            var parts = n;
            for (var k = 0; k <= n; k++)
            {
                boundaries[k] = k;
            }

            for (var k = 0; k < parts - 1; k++)
            {
                ranks[k] = Rank(widenedBytes, boundaries[k], boundaries[k + 2]);
            }

            while (parts > 1)
            {
                var best = int.MaxValue;
                var at = -1;
                for (var k = 0; k < parts - 1; k++)
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

                // Merge parts at and at+1: drop boundary at+1, then re-rank the pairs that touch the new part.
                Array.Copy(boundaries, at + 2, boundaries, at + 1, parts - at - 1);
                Array.Copy(ranks, at + 1, ranks, at, parts - at - 2);
                parts--;
                if (at > 0)
                {
                    ranks[at - 1] = Rank(widenedBytes, boundaries[at - 1], boundaries[at + 1]);
                }

                if (at < parts - 1)
                {
                    ranks[at] = Rank(widenedBytes, boundaries[at], boundaries[at + 2]);
                }
            }

            for (var k = 0; k < parts; k++)
            {
                output.Add(_lookup[widenedBytes[boundaries[k]..boundaries[k + 1]]]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(boundaries);
            ArrayPool<int>.Shared.Return(ranks);
        }
    }

    /// <summary>Hugging Face BPE: start from single bytes, merge the listed pair of lowest rank (leftmost on ties).</summary>
    private void MergeByList(ReadOnlySpan<char> widenedBytes, List<int> output)
    {
        var symbols = ArrayPool<int>.Shared.Rent(widenedBytes.Length);
        try
        {
            var count = widenedBytes.Length;
            for (var i = 0; i < count; i++)
            {
                symbols[i] = _lookup[widenedBytes.Slice(i, 1)];
            }

            while (count > 1)
            {
                var best = int.MaxValue;
                var at = -1;
                var merged = 0;
                for (var i = 0; i + 1 < count; i++)
                {
                    if (_merges!.TryGetValue((symbols[i], symbols[i + 1]), out var merge) && merge.Rank < best)
                    {
                        (best, at, merged) = (merge.Rank, i, merge.Merged);
                    }
                }

                if (at < 0)
                {
                    break;
                }

                symbols[at] = merged;
                Array.Copy(symbols, at + 2, symbols, at + 1, count - at - 2);
                count--;
            }

            for (var i = 0; i < count; i++)
            {
                output.Add(symbols[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbols);
        }
    }

    /// <summary>Whether a piece that is itself a token is taken whole before merging.</summary>
    internal bool WholePieceFirst => _wholePieceFirst;

    /// <summary>The id of the token that is the single byte <paramref name="value"/>.</summary>
    internal int ByteId(byte value) => _lookup[((char)value).ToString()];

    /// <summary>
    /// Every merge as (left id, right id) → (rank, merged id). Both rules are "merge the adjacent pair of lowest rank,
    /// leftmost first": with a Hugging Face list these are its entries; in tiktoken's form a part is always a token,
    /// so the pairs are every split of a token into two tokens, ranked by the whole token's id. The GPU tokenizer runs
    /// one merge loop over this table for both.
    /// </summary>
    internal IEnumerable<(int Left, int Right, int Rank, int Merged)> MergePairs()
    {
        if (_merges is not null)
        {
            foreach (var ((left, right), (rank, merged)) in _merges)
            {
                yield return (left, right, rank, merged);
            }

            yield break;
        }

        for (var id = 0; id < _tokens.Length; id++)
        {
            var bytes = _tokens[id];
            for (var split = 1; split < bytes.Length; split++)
            {
                if (TryGetId(bytes.AsSpan(0, split), out var left) && TryGetId(bytes.AsSpan(split), out var right))
                {
                    yield return (left, right, id, id);
                }
            }
        }
    }

    /// <summary>The id of a token given as bytes, if it is one.</summary>
    public bool TryGetId(ReadOnlySpan<byte> bytes, out int id) => _lookup.TryGetValue(Widen(bytes), out id);

    /// <summary>Bytes as Latin-1 chars: a lossless key for byte strings in a string dictionary.</summary>
    internal static string Widen(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private int Rank(ReadOnlySpan<char> bytes, int start, int end) =>
        _lookup.TryGetValue(bytes[start..end], out var rank) ? rank : int.MaxValue;
}
