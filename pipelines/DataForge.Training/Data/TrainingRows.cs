using System.Runtime.CompilerServices;
using DataForge.Core;
using DataForge.Packing.Mixing;
using DataForge.Training.Media;

namespace DataForge.Training.Data;

/// <summary>A shard set the trainer reads, with its share of a blend and the media its rows name.</summary>
public sealed record TrainingSource(string Name, ShardRows Rows, double Share, MediaLoader? Media);

/// <summary>A training row, the source it came from, and the data position right after it.</summary>
public sealed record PositionedRow(NumberedRow Row, int Source, DataPosition After);

/// <summary>
/// The endless sequence of training rows: one shard set epoch after epoch, or a blend of several, each cycling through
/// its own epochs (a small source repeats sooner, as in Megatron's blended datasets). A blend takes its next row by
/// <see cref="GreatestDeficit"/> over real tokens, the rule <c>dataforge mix</c> interleaves by, so every prefix of training holds the shares to within about a row. Everything
/// depends on counts, never on timing, and the position after each row says where to pick up: a resumed run replays
/// each source's epoch order to its place and the blend's counts from the checkpoint.
/// </summary>
public static class TrainingRows
{
    public static async IAsyncEnumerable<PositionedRow> SingleAsync(ShardRows rows, DataPosition start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (row, epoch, consumed) in EndlessAsync(rows, start.Epoch, start.Rows, cancellationToken))
        {
            yield return new PositionedRow(row, 0, new DataPosition(epoch, consumed));
        }
    }

    public static async IAsyncEnumerable<PositionedRow> BlendAsync(IReadOnlyList<TrainingSource> sources, DataPosition start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var positions = start.Sources?.ToArray() ?? [.. sources.Select(source => new SourcePosition(source.Name, 0, 0, 0))];
        if (positions.Length != sources.Count || positions.Where((position, s) => position.Name != sources[s].Name).Any())
        {
            throw new UsageException($"the checkpoint's data blend ({string.Join(", ", positions.Select(position => position.Name))}) is not this run's ({string.Join(", ", sources.Select(source => source.Name))}); resume with the same --data or --mixture");
        }

        var readers = sources.Select((source, s) => EndlessAsync(source.Rows, positions[s].Epoch, positions[s].Rows, cancellationToken).GetAsyncEnumerator(cancellationToken)).ToArray();
        var total = start.Rows;
        var given = positions.Select(position => (double)position.Tokens).ToArray();
        var shares = sources.Select(source => source.Share).ToArray();
        var open = Enumerable.Repeat(true, sources.Count).ToArray(); // every source cycles its epochs: none runs out
        try
        {
            while (true)
            {
                var next = GreatestDeficit.Next(given, shares, open);
                if (!await readers[next].MoveNextAsync())
                {
                    yield break;
                }

                var (row, epoch, consumed) = readers[next].Current;
                positions[next] = new SourcePosition(sources[next].Name, epoch, consumed, positions[next].Tokens + RealTokens(row));
                given[next] = positions[next].Tokens;
                total++;
                yield return new PositionedRow(row, next, new DataPosition(0, total, [.. positions]));
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

    public static long RealTokens(NumberedRow row) => row.Row.CuSeqlens.Length > 0 ? row.Row.CuSeqlens[^1] : 0;

    /// <summary>A shard set's rows epoch after epoch from a position: the epoch's seeded order replayed, the consumed rows skipped.</summary>
    private static async IAsyncEnumerable<(NumberedRow Row, int Epoch, long Consumed)> EndlessAsync(ShardRows rows, int startEpoch, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var epoch = startEpoch; ; epoch++)
        {
            long consumed = 0;
            await foreach (var row in rows.EpochAsync(epoch, cancellationToken))
            {
                consumed++;
                if (epoch == startEpoch && consumed <= skip)
                {
                    continue;
                }

                yield return (row, epoch, consumed);
            }

            if (consumed == 0)
            {
                throw new InvalidDataException("the shards hold no training rows");
            }
        }
    }
}
