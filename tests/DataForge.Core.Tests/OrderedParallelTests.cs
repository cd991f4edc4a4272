using CsCheck;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Tests;

public sealed class OrderedParallelTests
{
    [Fact]
    public async Task Results_come_in_input_order_whatever_finishes_first()
    {
        await Gen.Select(Gen.Int[0, 200], Gen.Int[1, 8]).SampleAsync(
            async (count, degree) =>
            {
                var source = Enumerable.Range(0, count).ToAsyncEnumerable();
                var results = await source.SelectOrderedAsync(
                    async (item, _) =>
                    {
                        // Items finish out of order: later items often yield less.
                        for (var spin = 0; spin < (count - item) % 7; spin++)
                        {
                            await Task.Yield();
                        }

                        return item * 2;
                    },
                    degree).ToListAsync();
                Assert.Equal(Enumerable.Range(0, count).Select(item => item * 2), results);
            },
            iter: 40);
    }

    [Fact]
    public async Task A_failing_item_surfaces_its_exception()
    {
        var source = Enumerable.Range(0, 50).ToAsyncEnumerable();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await source.SelectOrderedAsync<int, int>((item, _) => item == 17 ? throw new InvalidOperationException("bad 17") : ValueTask.FromResult(item), 4).ToListAsync());
        Assert.Equal("bad 17", error.Message);
    }

    [Fact]
    public async Task Leaving_early_stops_the_producer()
    {
        var produced = 0;
        async IAsyncEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                Interlocked.Increment(ref produced);
                await Task.Yield();
                yield return i;
            }
        }

        var first = await Endless().SelectOrderedAsync((item, _) => ValueTask.FromResult(item), 2).Take(5).ToListAsync();
        Assert.Equal([0, 1, 2, 3, 4], first);
        Assert.True(Volatile.Read(ref produced) < 1000);
    }

    [Fact]
    public async Task Batches_give_one_result_per_item_in_input_order_for_any_batch_size()
    {
        await Gen.Select(Gen.Int[0, 300], Gen.Int[1, 8], Gen.Int[1, 70]).SampleAsync(
            async (count, degree, batchSize) =>
            {
                var results = await Enumerable.Range(0, count).ToAsyncEnumerable()
                    .SelectOrderedBatchesAsync(batch => batch.Select(item => item * 3).ToArray(), degree, batchSize).ToListAsync();
                Assert.Equal(Enumerable.Range(0, count).Select(item => item * 3), results);
            },
            iter: 40);
    }

    [Fact]
    public async Task Weighed_batches_close_at_their_weight_and_keep_input_order()
    {
        await Gen.Select(Gen.Int[0, 300], Gen.Int[1, 8], Gen.Int[1, 70], Gen.Int[1, 500]).SampleAsync(
            async (count, degree, batchSize, batchWeight) =>
            {
                var batches = new System.Collections.Concurrent.ConcurrentBag<int[]>();
                var results = await Enumerable.Range(0, count).ToAsyncEnumerable()
                    .SelectOrderedBatchesAsync(
                        batch =>
                        {
                            batches.Add([.. batch]);
                            return batch.Select(item => item * 3).ToArray();
                        },
                        degree,
                        batchSize,
                        weight: item => item % 10 == 0 ? 1000 : 7,
                        batchWeight: batchWeight)
                    .ToListAsync();
                Assert.Equal(Enumerable.Range(0, count).Select(item => item * 3), results);
                foreach (var batch in batches)
                {
                    Assert.InRange(batch.Length, 1, batchSize);
                    // Every item but the last of a batch leaves it under its weight: a heavy item ends its batch.
                    Assert.True(batch[..^1].Sum(item => item % 10 == 0 ? 1000 : 7) < batchWeight, $"batch {string.Join(',', batch)} went past {batchWeight}");
                }
            },
            iter: 40);
    }

    [Fact]
    public async Task A_batch_that_drops_a_result_is_an_error_not_a_shorter_stream()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Enumerable.Range(0, 10).ToAsyncEnumerable().SelectOrderedBatchesAsync(batch => batch.Skip(1).ToArray(), 2, 4).ToListAsync());
        Assert.Contains("gave 3 results", error.Message, StringComparison.Ordinal);
    }
}
