namespace DataForge.Packing.Shards;

/// <summary>
/// Makes a stream of rows divisible into <c>ranks</c> equal parts (DESIGN.md §4: a rank with fewer rows than the others
/// leaves them waiting in a collective): the last ranks − 1 rows are held back, and when the stream ends the
/// <c>rows mod ranks</c> last of them are dropped. Streaming, and at most ranks − 1 rows are ever held or dropped. The
/// last rows are the ones dropped because best-fit packing leaves its emptiest rows for the end.
/// </summary>
public sealed class RankAlignment<T>(int ranks)
{
    private readonly Queue<T> _held = new();

    public long Passed { get; private set; }

    /// <summary>The row that leaves the hold because this one arrived, or nothing yet.</summary>
    public bool Add(T row, out T released)
    {
        _held.Enqueue(row);
        if (_held.Count >= ranks)
        {
            released = _held.Dequeue();
            Passed++;
            return true;
        }

        released = default!;
        return false;
    }

    /// <summary>At the end: the held rows to keep, and the ones dropped so the total divides by ranks.</summary>
    public (IReadOnlyList<T> Kept, IReadOnlyList<T> Dropped) Complete()
    {
        var total = Passed + _held.Count;
        var drop = (int)(total % ranks);
        var held = _held.ToList();
        _held.Clear();
        Passed += held.Count - drop;
        return (held[..^drop], held[^drop..]);
    }
}
