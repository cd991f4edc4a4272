using DataForge.Packing.Shards;
using DataForge.Training.Media;
using TorchSharp;
using static TorchSharp.torch;

namespace DataForge.Training.Data;

/// <summary>
/// Packed rows as the model takes them: ids, (t, h, w) rotary positions, modality, the block-diagonal causal mask,
/// and next-token targets. The shards' labels are unshifted (a label is the token's own id where it carries loss); the
/// target at position i is label i + 1, except where i + 1 starts a document: a document's first token is never
/// predicted from the previous document's last one.
/// </summary>
public sealed class TrainingBatch : IDisposable
{
    public const int IgnoreIndex = -100;

    private TrainingBatch(Tensor inputIds, Tensor positions, Tensor modality, Tensor mask, Tensor targets, long realTokens, long[] tokensByModality, List<ImageInput> images, List<AudioInput> audio)
    {
        (InputIds, Positions, Modality, Mask, Targets, RealTokens, TokensByModality, Images, Audio) = (inputIds, positions, modality, mask, targets, realTokens, tokensByModality, images, audio);
    }

    /// <summary>Encoder inputs for the row's image placeholders (empty when media are not loaded).</summary>
    public IReadOnlyList<ImageInput> Images { get; }

    public IReadOnlyList<AudioInput> Audio { get; }

    public Tensor InputIds { get; }

    public Tensor Positions { get; }

    public Tensor Modality { get; }

    public Tensor Mask { get; }

    public Tensor Targets { get; }

    public long RealTokens { get; }

    /// <summary>Real tokens by modality code 0 text, 1 image, 2 audio.</summary>
    public long[] TokensByModality { get; }

    public static TrainingBatch From(IReadOnlyList<ShardRow> rows, MediaLoader? media = null)
    {
        var images = new List<ImageInput>();
        var audio = new List<AudioInput>();
        var batch = rows.Count;
        var length = rows[0].InputIds.Length;
        var ids = new long[batch * length];
        var positions = new long[3 * batch * length];
        var modality = new long[batch * length];
        var targets = new long[batch * length];
        var mask = new bool[batch * length * length];
        long real = 0;
        var byModality = new long[3];
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
                ids[offset + i] = row.InputIds[i];
                positions[offset + i] = row.RopeT[i];
                positions[(batch * length) + offset + i] = row.RopeH[i];
                positions[(2 * batch * length) + offset + i] = row.RopeW[i];
                modality[offset + i] = row.Modality[i];
                if (row.Modality[i] is >= 0 and < 3)
                {
                    byModality[row.Modality[i]]++;
                }

                var next = i + 1;
                targets[offset + i] = next < length && row.PositionIds[next] != 0 ? row.Labels[next] : IgnoreIndex;
            }

            real += row.CuSeqlens.Length > 0 ? row.CuSeqlens[^1] : 0;
            if (media is not null)
            {
                var (rowImages, rowAudio) = media.Load(row, offset);
                images.AddRange(rowImages);
                audio.AddRange(rowAudio);
            }

            FillMask(mask.AsSpan(b * length * length, length * length), row.CuSeqlens, length);
        }

        return new TrainingBatch(
            tensor(ids, [batch, length]),
            tensor(positions, [3, batch, length]),
            tensor(modality, [batch, length]),
            tensor(mask, [batch, 1, length, length]),
            tensor(targets, [batch, length]),
            real,
            byModality,
            images,
            audio);
    }

    /// <summary>Causal within each document of cu_seqlens; a padding position sees only itself (no empty softmax rows).</summary>
    public static void FillMask(Span<bool> mask, int[] cuSeqlens, int length)
    {
        var document = new int[length];
        var boundary = 1;
        for (var i = 0; i < length; i++)
        {
            while (boundary < cuSeqlens.Length && i >= cuSeqlens[boundary])
            {
                boundary++;
            }

            document[i] = boundary < cuSeqlens.Length ? boundary : -1 - i;
        }

        var start = 0;
        for (var i = 0; i < length; i++)
        {
            if (i > 0 && document[i - 1] != document[i])
            {
                start = i;
            }

            mask.Slice((i * length) + start, i - start + 1).Fill(true);
        }
    }

    /// <summary>The same batch on <paramref name="device"/> (this one, on the CPU; otherwise a copy, and this one is disposed).</summary>
    public TrainingBatch To(Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return this;
        }

        var moved = new TrainingBatch(
            InputIds.to(device, non_blocking: true), Positions.to(device, non_blocking: true), Modality.to(device, non_blocking: true),
            Mask.to(device, non_blocking: true), Targets.to(device, non_blocking: true), RealTokens, TokensByModality, [.. Images], [.. Audio]);
        Dispose();
        return moved;
    }

    public void Dispose()
    {
        InputIds.Dispose();
        Positions.Dispose();
        Modality.Dispose();
        Mask.Dispose();
        Targets.Dispose();
    }
}
