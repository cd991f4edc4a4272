using System.Collections.Immutable;
using DataForge.Core.Model;
using DataForge.Packing.Layout;
using DataForge.Packing.Tokenization;
using DataForge.Packing.Tokenization.Gpu;

namespace DataForge.Packing.Tests;

/// <summary>
/// pack --device cuda lays out the first batches on the CPU while the GPU opens, then on the device (issue 21): the
/// documents must be those of the CPU layout whichever side took a batch. The device is ILGPU's CPU simulator (the
/// kernel's own code); the encoder "opens" when the input reaches batch 3, so batches 1 and 2 are the CPU's.
/// </summary>
public sealed class GpuBatchLayoutTests
{
    private static readonly TiktokenEncoding Cl100k = TiktokenEncoding.TryLoad("cl100k_base")!;

    [Fact]
    public async Task Batches_laid_out_on_the_cpu_before_the_gpu_opens_and_on_it_after_give_the_cpu_layouts_documents()
    {
        var samples = Enumerable.Range(0, 60).Select(i => new Sample(
            $"d{i}",
            "test",
            ImmutableArray.Create<Part>(new TextPart($"Document {i}: the quick brown fox jumps over {i * 7919} lazy dogs. 東京は晴れ。 ", Role.Content)))).ToList();
        var layout = new DocumentLayout(new PackOptions(), Cl100k);
        using var device = GpuTextEncoder.Open(Cl100k, GpuBackend.CpuSimulator);
        var opened = new TaskCompletionSource<GpuTextEncoder?>();
        const int BatchChars = 200; // about three samples a batch

        async IAsyncEnumerable<Sample> Input()
        {
            var chars = 0;
            foreach (var sample in samples)
            {
                if (chars >= 2 * BatchChars + 80)
                {
                    opened.TrySetResult(device); // the device is there from the third batch on
                }

                chars += ((TextPart)sample.Parts[0]).Text.Length;
                yield return sample;
                await Task.Yield();
            }
        }

        var counts = new GpuBatchLayout.BatchCounts();
        var hybrid = await GpuBatchLayout.LayOutAsync(Input(), opened.Task, layout, Cl100k, counts, CancellationToken.None, BatchChars).ToListAsync();
        var session = Cl100k.CreateSession();
        var expected = samples.Select((sample, i) => layout.Lay(sample, session, i)).ToList();

        Assert.Equal(samples.Count, hybrid.Count);
        Assert.True(counts.Host >= 2, $"{counts.Host} batches on the CPU");
        Assert.True(counts.Device >= 10, $"{counts.Device} batches on the device");
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.Same(samples[i], hybrid[i].Sample);
            var (want, got) = (Assert.Single(expected[i].Documents), Assert.Single(hybrid[i].Result.Documents));
            Assert.Equal(want.Ids, got.Ids);
            Assert.Equal(want.Loss, got.Loss);
            Assert.Equal(want.Order, got.Order);
        }
    }

    [Fact]
    public async Task A_gpu_that_could_not_open_leaves_every_batch_to_the_cpu()
    {
        var samples = Enumerable.Range(0, 12).Select(i => new Sample($"d{i}", "test", ImmutableArray.Create<Part>(new TextPart($"text number {i}", Role.Content)))).ToList();
        var layout = new DocumentLayout(new PackOptions(), Cl100k);
        var counts = new GpuBatchLayout.BatchCounts();
        var laidOut = await GpuBatchLayout.LayOutAsync(samples.ToAsyncEnumerable(), Task.FromResult<GpuTextEncoder?>(null), layout, Cl100k, counts, CancellationToken.None, 20).ToListAsync();
        var session = Cl100k.CreateSession();
        Assert.Equal(samples.Select((sample, i) => layout.Lay(sample, session, i).Documents[0].Ids), laidOut.Select(pair => pair.Result.Documents[0].Ids));
        Assert.Equal(0, counts.Device);
        Assert.True(counts.Host >= 6, $"{counts.Host} batches on the CPU");
    }
}
