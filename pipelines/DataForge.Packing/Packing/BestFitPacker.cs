using DataForge.Packing.Layout;

namespace DataForge.Packing.Packing;

/// <summary>
/// Best-fit-decreasing bin packing over a bounded window of documents: the window is sorted longest first
/// (ties by input order, so the result never depends on timing) and each document goes to the open row with the
/// least room that still fits it, found in O(log rows). Rows that are nearly full leave after each window; the
/// others stay open (up to a cap) for the next window's short documents. O(n log n), bounded memory.
/// </summary>
public sealed class BestFitPacker
{
    private readonly int _seqLen;
    private readonly int _window;
    private readonly int _maxOpenRows;
    private readonly int _fullEnough;
    private readonly List<TokenizedDocument> _pending = [];
    private readonly SortedDictionary<long, Row> _open = [];
    private long _nextRowId;

    public BestFitPacker(int seqLen, int window, int maxOpenRows = 1024)
    {
        _seqLen = seqLen;
        _window = window;
        _maxOpenRows = maxOpenRows;
        // A row with at most 0.1% of L free is done: no realistic document fits the gap.
        _fullEnough = Math.Max(1, seqLen / 1000);
    }

    /// <summary>Adds a document (at most L tokens); returns the rows completed by it, in row creation order.</summary>
    public IReadOnlyList<PackedRow> Add(TokenizedDocument document)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(document.Length, _seqLen);
        _pending.Add(document);
        return _pending.Count >= _window ? PackWindow(final: false) : [];
    }

    /// <summary>Packs what is left and returns every remaining row.</summary>
    public IReadOnlyList<PackedRow> Flush() => PackWindow(final: true);

    private IReadOnlyList<PackedRow> PackWindow(bool final)
    {
        // A total order (length, then input order, then chunk): List.Sort is not stable, so ties must not exist.
        _pending.Sort((left, right) =>
            left.Length != right.Length ? right.Length.CompareTo(left.Length)
            : left.Order != right.Order ? left.Order.CompareTo(right.Order)
            : left.Chunk.CompareTo(right.Chunk));
        var byRoom = new SortedSet<(int Room, long RowId)>();
        foreach (var (id, row) in _open)
        {
            byRoom.Add((row.Room, id));
        }

        foreach (var document in _pending)
        {
            var fits = byRoom.GetViewBetween((document.Length, long.MinValue), (_seqLen, long.MaxValue));
            Row row;
            long rowId;
            // Min of an empty view is default (room 0), which never fits a document of at least one token;
            // Count would walk the whole view.
            if (fits.Min.Room >= document.Length)
            {
                (_, rowId) = fits.Min;
                row = _open[rowId];
                byRoom.Remove((row.Room, rowId));
            }
            else
            {
                rowId = _nextRowId++;
                row = new Row(_seqLen);
                _open.Add(rowId, row);
            }

            row.Add(document);
            byRoom.Add((row.Room, rowId));
        }

        _pending.Clear();
        var done = new List<PackedRow>();
        var keepOpen = final ? 0 : _maxOpenRows;
        foreach (var (id, row) in _open.ToList())
        {
            if (final || row.Room <= _fullEnough || _open.Count > keepOpen)
            {
                done.Add(new PackedRow(row.Documents));
                _open.Remove(id);
            }
        }

        return done;
    }

    private sealed class Row(int seqLen)
    {
        public List<TokenizedDocument> Documents { get; } = [];

        public int Room { get; private set; } = seqLen;

        public void Add(TokenizedDocument document)
        {
            Documents.Add(document);
            Room -= document.Length;
        }
    }
}
