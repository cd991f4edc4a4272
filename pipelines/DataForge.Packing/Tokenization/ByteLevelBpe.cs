namespace DataForge.Packing.Tokenization;

/// <summary>
/// A byte-level BPE vocabulary. In tiktoken's form (no merge list) a token's id is its merge rank, and encoding a
/// piece merges, at each step, the adjacent pair whose concatenation has the lowest rank (tiktoken's
/// <c>byte_pair_merge</c>), after taking a piece that is itself a token whole. With a Hugging Face merge list, the
/// adjacent pair earliest in the list merges first (tokenizers' BPE <c>merge_all</c>), after a whole-piece lookup when
/// <c>ignore_merges</c> is set. Both run as one loop over a <see cref="MergeTable"/>.
/// Immutable and shared by all threads; per-thread state lives in the tokenizers' sessions.
/// </summary>
public sealed class ByteLevelBpe
{
    private readonly TokenTable _table;
    private readonly byte[][] _tokens;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)>? _merges;
    private readonly bool _wholePieceFirst;
    private readonly Lazy<MergeTable> _mergeTable;

    /// <param name="tokens">Token bytes by id; ids are dense from 0.</param>
    /// <param name="merges">Hugging Face merges by pair of ids, or null for tiktoken's rank rule.</param>
    /// <param name="wholePieceFirst">Use a piece that is itself a token before merging (tiktoken always does; HF's ignore_merges).</param>
    public ByteLevelBpe(byte[][] tokens, Dictionary<(int Left, int Right), (int Rank, int Merged)>? merges = null, bool wholePieceFirst = true)
    {
        _tokens = tokens;
        _merges = merges;
        _wholePieceFirst = wholePieceFirst;
        _table = new TokenTable(tokens);
        for (var b = 0; b < 256; b++)
        {
            if (!_table.TryGetId([(byte)b], out _))
            {
                throw new ArgumentException($"the vocabulary lacks the single byte 0x{b:x2}; byte-level BPE needs all 256", nameof(tokens));
            }
        }

        _mergeTable = new Lazy<MergeTable>(() => new MergeTable([.. Enumerable.Range(0, 256).Select(b => ByteId((byte)b))], MergePairs()));
    }

    public int Count => _tokens.Length;

    public ReadOnlySpan<byte> TokenBytes(int id) => _tokens[id];

    /// <summary>Whole tokens by their bytes (the CPU encoder's and the GPU kernel's table).</summary>
    public TokenTable Table => _table;

    /// <summary>The merges as flat arrays, built on first use (the CPU encoder's and the GPU kernel's table).</summary>
    public MergeTable Merges => _mergeTable.Value;

    /// <summary>Appends the ids of one piece (its UTF-8 bytes).</summary>
    public void EncodePiece(ReadOnlySpan<byte> piece, List<int> output)
    {
        if (TryWholePiece(piece, out var whole))
        {
            output.Add(whole);
            return;
        }

        Merges.Merge(piece, output);
    }

    /// <summary>The id of a whole piece that is itself a token, when this BPE takes such pieces whole.</summary>
    internal bool TryWholePiece(ReadOnlySpan<byte> piece, out int id)
    {
        id = -1;
        return _wholePieceFirst && _table.TryGetId(piece, out id);
    }

    /// <summary>Whether a piece that is itself a token is taken whole before merging.</summary>
    internal bool WholePieceFirst => _wholePieceFirst;

    /// <summary>The id of the token that is the single byte <paramref name="value"/>.</summary>
    internal int ByteId(byte value) => _table.TryGetId([value], out var id) ? id : throw new InvalidOperationException($"no token is the byte 0x{value:x2}");

    /// <summary>
    /// Every merge as (left id, right id) → (rank, merged id). Both rules are "merge the adjacent pair of lowest rank,
    /// leftmost first": with a Hugging Face list these are its entries; in tiktoken's form a part is always a token,
    /// so the pairs are every split of a token into two tokens, ranked by the whole token's id.
    /// </summary>
    private List<(int Left, int Right, int Rank, int Merged)> MergePairs()
    {
        if (_merges is not null)
        {
            return [.. _merges.Select(pair => (pair.Key.Left, pair.Key.Right, pair.Value.Rank, pair.Value.Merged))];
        }

        // Every split of every token, looked up in blocks of ids on all cores: on one core this was 0.2 s of pack's
        // start-up for cl100k_base, with every layout worker waiting for the table; blocks joined in id order.
        const int Block = 4096;
        var blocks = new List<(int Left, int Right, int Rank, int Merged)>[(_tokens.Length + Block - 1) / Block];
        Parallel.For(0, blocks.Length, block =>
        {
            var found = new List<(int Left, int Right, int Rank, int Merged)>(Block * 3);
            for (var id = block * Block; id < Math.Min(_tokens.Length, (block + 1) * Block); id++)
            {
                var bytes = _tokens[id].AsSpan();
                for (var split = 1; split < bytes.Length; split++)
                {
                    if (_table.TryGetId(bytes[..split], out var left) && _table.TryGetId(bytes[split..], out var right))
                    {
                        found.Add((left, right, id, id));
                    }
                }
            }

            blocks[block] = found;
        });
        return [.. blocks.SelectMany(block => block)];
    }

    /// <summary>The id of a token given as bytes, if it is one.</summary>
    public bool TryGetId(ReadOnlySpan<byte> bytes, out int id) => _table.TryGetId(bytes, out id);
}
