using DataForge.Packing.Shards;
using DataForge.Training.Media;
using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Data;

/// <summary>
/// Packed rows as the model takes them: ids, (t, h, w) rotary positions, modality, the per-document attention layout,
/// and next-token targets. The shards' labels are unshifted (a label is the token's own id where it carries loss); the
/// target at position i is label i + 1, except where i + 1 starts a document: a document's first token is never
/// predicted from the previous document's last one. Everything the model would otherwise ask the device for (which
/// tokens are routed, where the loss is taken) is worked out here on the CPU, so a step needs no host round trips.
/// </summary>
public sealed class TrainingBatch : IDisposable
{
    public const int IgnoreIndex = -100;

    private TrainingBatch(BatchTensors tensors, AttentionLayout layout, BatchCounts counts, List<ImageInput> images, List<AudioInput> audio, long[] rowIds)
    {
        (Tensors, Layout, Counts, Images, Audio, RowIds) = (tensors, layout, counts, images, audio, rowIds);
    }

    private BatchTensors Tensors { get; }

    /// <summary>[B, L] int64</summary>
    public Tensor InputIds => Tensors.InputIds;

    /// <summary>[3, B, L] int64 (t, h, w)</summary>
    public Tensor Positions => Tensors.Positions;

    /// <summary>[B, L] int64: 0 text, 1 image, 2 audio, 255 padding</summary>
    public Tensor Modality => Tensors.Modality;

    /// <summary>[B, L] int64 next-token targets, -100 where there is none</summary>
    public Tensor Targets => Tensors.Targets;

    /// <summary>[R] flat indexes of the real (non-padding) tokens: the ones the experts see</summary>
    public Tensor RoutedIndex => Tensors.RoutedIndex;

    /// <summary>[R] the router each routed token uses (its modality, 0..2; video frames use the image router, 1)</summary>
    public Tensor RouterIndex => Tensors.RouterIndex;

    /// <summary>[T] flat indexes of the positions that have a target</summary>
    public Tensor TargetIndex => Tensors.TargetIndex;

    /// <summary>[T] those targets</summary>
    public Tensor TargetIds => Tensors.TargetIds;

    public AttentionLayout Layout { get; }

    public BatchCounts Counts { get; }

    /// <summary>Encoder inputs for the rows' image placeholders (empty when media are not loaded).</summary>
    public IReadOnlyList<ImageInput> Images { get; }

    public IReadOnlyList<AudioInput> Audio { get; }

    /// <summary>Each row's number in the shard set (files in index order, rows in file order).</summary>
    public IReadOnlyList<long> RowIds { get; }

    public long RealTokens => Counts.RealTokens;

    public static TrainingBatch From(IReadOnlyList<ShardRow> rows, MediaLoader? media = null, IReadOnlyList<long>? rowIds = null) =>
        From(rows, [.. rows.Select(_ => media)], rowIds);

    /// <param name="media">each row's media loader (rows of a blend come from sets with media of their own)</param>
    public static TrainingBatch From(IReadOnlyList<ShardRow> rows, IReadOnlyList<MediaLoader?> media, IReadOnlyList<long>? rowIds)
    {
        var images = new List<ImageInput>();
        var audio = new List<AudioInput>();
        var batch = rows.Count;
        var length = rows[0].InputIds.Length;
        var ids = new long[batch * length];
        var positions = new long[3 * batch * length];
        var modality = new long[batch * length];
        var targets = new long[batch * length];
        var routed = new List<long>();
        var routers = new List<long>();
        var targetIndex = new List<long>();
        var targetIds = new List<long>();
        var byModality = new long[4];
        long real = 0;
        for (var b = 0; b < batch; b++)
        {
            var row = rows[b];
            if (row.InputIds.Length != length)
            {
                throw new InvalidDataException($"rows of one batch differ in length ({row.InputIds.Length} and {length})");
            }

            var offset = b * length;
            for (var i = 0; i < length; i++)
            {
                var at = offset + i;
                ids[at] = row.InputIds[i];
                positions[at] = row.RopeT[i];
                positions[(batch * length) + at] = row.RopeH[i];
                positions[(2 * batch * length) + at] = row.RopeW[i];
                modality[at] = row.Modality[i];
                if (row.Modality[i] is >= 0 and < 4)
                {
                    byModality[row.Modality[i]]++;
                    routed.Add(at);
                    // Video frames are vision: they take the image router (Ming-lite-omni routes text, vision, audio).
                    routers.Add(row.Modality[i] == 3 ? 1 : row.Modality[i]);
                }

                var next = i + 1;
                targets[at] = next < length && row.PositionIds[next] != 0 ? row.Labels[next] : IgnoreIndex;
                if (targets[at] != IgnoreIndex)
                {
                    targetIndex.Add(at);
                    targetIds.Add(targets[at]);
                }
            }

            real += row.CuSeqlens.Length > 0 ? row.CuSeqlens[^1] : 0;
            if (media[b] is { } loader)
            {
                var (rowImages, rowAudio) = loader.Load(row, offset);
                images.AddRange(rowImages);
                audio.AddRange(rowAudio);
            }
        }

        var tensors = new BatchTensors(
            tensor(ids, [batch, length]),
            tensor(positions, [3, batch, length]),
            tensor(modality, [batch, length]),
            tensor(targets, [batch, length]),
            tensor(routed.ToArray()),
            tensor(routers.ToArray()),
            tensor(targetIndex.ToArray()),
            tensor(targetIds.ToArray()));
        var layout = AttentionLayout.From([.. rows.Select(row => row.CuSeqlens)], length);
        var counts = new BatchCounts(batch, length, real, routed.Count, targetIndex.Count, byModality, layout.AttentionPairs);
        return new TrainingBatch(tensors, layout, counts, images, audio, rowIds?.ToArray() ?? []);
    }

    /// <summary>This batch in page-locked host memory, so that <see cref="To"/> copies asynchronously (this one is disposed).</summary>
    public TrainingBatch Pinned()
    {
        var pinned = new TrainingBatch(Tensors.Map(t => t.pin_memory()), Layout.Pinned(), Counts, [.. Images], [.. Audio], [.. RowIds]);
        Dispose();
        return pinned;
    }

    /// <summary>The same batch on <paramref name="device"/> (this one, on the CPU; otherwise a copy, and this one is disposed).</summary>
    public TrainingBatch To(Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return this;
        }

        var moved = new TrainingBatch(Tensors.Map(t => t.to(device, non_blocking: true)), Layout.To(device, nonBlocking: true), Counts, [.. Images], [.. Audio], [.. RowIds]);
        Dispose();
        return moved;
    }

    public void Dispose()
    {
        Tensors.Dispose();
        Layout.Dispose();
    }

    private sealed record BatchTensors(Tensor InputIds, Tensor Positions, Tensor Modality, Tensor Targets, Tensor RoutedIndex, Tensor RouterIndex, Tensor TargetIndex, Tensor TargetIds) : IDisposable
    {
        public BatchTensors Map(Func<Tensor, Tensor> map) =>
            new(map(InputIds), map(Positions), map(Modality), map(Targets), map(RoutedIndex), map(RouterIndex), map(TargetIndex), map(TargetIds));

        public void Dispose()
        {
            foreach (var t in new[] { InputIds, Positions, Modality, Targets, RoutedIndex, RouterIndex, TargetIndex, TargetIds })
            {
                t.Dispose();
            }
        }
    }
}

/// <summary>What a batch holds, counted on the host: shape, real tokens, routed tokens, targets, tokens by modality, attention pairs.</summary>
public sealed record BatchCounts(int Rows, int Length, long RealTokens, long Routed, long Targets, long[] TokensByModality, long AttentionPairs);
