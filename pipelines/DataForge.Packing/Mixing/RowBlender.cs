using System.Runtime.CompilerServices;

namespace DataForge.Packing.Mixing;

/// <summary>
/// Interleaves the sources' rows by their shares with the <see cref="GreatestDeficit"/> rule. Every prefix of the output then holds each source's share to within about one row, so no
/// window is source-blocked, and since every quota is its share of one total, the sources run out together (no
/// source's tail at the end).
/// </summary>
public static class RowBlender
{
    public static async IAsyncEnumerable<MixRow> BlendAsync(IReadOnlyList<IAsyncEnumerable<MixRow>> sources, IReadOnlyList<double> shares, bool bySamples, long? maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readers = sources.Select(source => source.GetAsyncEnumerator(cancellationToken)).ToArray();
        var given = new double[readers.Length];
        var shareArray = shares.ToArray();
        var open = Enumerable.Repeat(true, readers.Length).ToArray();
        long rows = 0;
        try
        {
            while (maxRows is null || rows < maxRows)
            {
                var next = GreatestDeficit.Next(given, shareArray, open);
                if (next < 0)
                {
                    yield break;
                }

                if (!await readers[next].MoveNextAsync())
                {
                    open[next] = false;
                    continue;
                }

                var row = readers[next].Current;
                given[next] += row.SizeIn(bySamples);
                rows++;
                yield return row;
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// The worst share error over every window of <c>windowRows</c> consecutive rows (all rows when there are fewer): for
/// each window, the largest |realised share − target share| over the sources, in the weights' unit. Streaming: a ring
/// of the window's rows and running sums.
/// </summary>
public sealed class WindowShares(IReadOnlyList<double> shares, int windowRows, bool bySamples)
{
    private readonly Queue<(int Source, long Size)> _window = new();
    private readonly long[] _sums = new long[shares.Count];
    private long _rows;

    public double WorstError { get; private set; }

    public long WorstFirstRow { get; private set; }

    public void Add(MixRow row)
    {
        _window.Enqueue((row.Source, row.SizeIn(bySamples)));
        _sums[row.Source] += row.SizeIn(bySamples);
        _rows++;
        if (_window.Count > windowRows)
        {
            var (source, size) = _window.Dequeue();
            _sums[source] -= size;
        }

        if (_window.Count == windowRows)
        {
            Measure();
        }
    }

    /// <summary>At the end: a run shorter than one window is measured as a whole.</summary>
    public void Complete()
    {
        if (_rows < windowRows && _rows > 0)
        {
            Measure();
        }
    }

    private void Measure()
    {
        var total = (double)_sums.Sum();
        if (total == 0)
        {
            return;
        }

        var error = Enumerable.Range(0, shares.Count).Max(s => Math.Abs((_sums[s] / total) - shares[s]));
        if (error > WorstError)
        {
            WorstError = error;
            WorstFirstRow = _rows - _window.Count;
        }
    }
}
