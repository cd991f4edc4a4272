using DataForge.Packing.Layout;
using DataForge.Packing.Packing;

namespace DataForge.Packing.Shards;

/// <summary>
/// How a kind of row fills the shard columns (schemas/packed-shards.md): the length of each int list, its values
/// copied straight into a row group's column buffer, the string lists and the row's token accounting. Lets the file
/// encoder write packed rows without building a <see cref="ShardRow"/> (seven L-long arrays) per row first.
/// </summary>
public interface IShardColumns<in TRow>
{
    /// <summary>Entries of int column <paramref name="column"/> (an index into <see cref="ShardSchema.IntColumns"/>).</summary>
    int IntLength(TRow row, int column);

    /// <summary>Writes int column <paramref name="column"/> of the row into <paramref name="destination"/> (exactly its length).</summary>
    void CopyInts(TRow row, int column, Span<int> destination);

    string[] Strings(TRow row, int column);

    /// <summary>Adds the row to the shard's token accounting.</summary>
    void Count(TRow row, ShardStats stats);

    /// <summary>The row's real (non-padding) tokens.</summary>
    long RealTokens(TRow row);
}

/// <summary>Rows that are already columns (a shard set's rows taken byte for byte by the mixer, tests).</summary>
public sealed class ShardRowColumns : IShardColumns<ShardRow>
{
    public static readonly ShardRowColumns Instance = new();

    public int IntLength(ShardRow row, int column) => ShardSchema.IntColumn(row, column).Length;

    public void CopyInts(ShardRow row, int column, Span<int> destination) => ShardSchema.IntColumn(row, column).CopyTo(destination);

    public string[] Strings(ShardRow row, int column) => ShardSchema.StringColumn(row, column);

    public void Count(ShardRow row, ShardStats stats) => stats.Add(row);

    public long RealTokens(ShardRow row) => row.CuSeqlens[^1];
}

/// <summary>
/// Packed rows laid out as <see cref="RowAssembler"/> lays them out (documents in placement order, padding at the end
/// with label -100 and modality 255), written column by column.
/// </summary>
public sealed class PackedRowColumns(int seqLen, int padId) : IShardColumns<PackedRow>
{
    public int IntLength(PackedRow row, int column) => column == CuSeqlensColumn ? row.Documents.Count + 1 : seqLen;

    private const int CuSeqlensColumn = 7;

    public void CopyInts(PackedRow row, int column, Span<int> destination)
    {
        var offset = 0;
        if (column == CuSeqlensColumn)
        {
            destination[0] = 0;
            for (var d = 0; d < row.Documents.Count; d++)
            {
                offset += row.Documents[d].Length;
                destination[d + 1] = offset;
            }

            return;
        }

        foreach (var document in row.Documents)
        {
            var target = destination.Slice(offset, document.Length);
            switch (column)
            {
                case 0:
                    document.Ids.CopyTo(target);
                    break;
                case 1 when document.Loss.AsSpan().IndexOf(false) < 0:
                    document.Ids.CopyTo(target); // every token carries loss (pretraining text): one vectorised scan and a copy
                    break;
                case 1:
                    for (var i = 0; i < target.Length; i++)
                    {
                        target[i] = document.Loss[i] ? document.Ids[i] : RowAssembler.IgnoreIndex;
                    }

                    break;
                case 2 when document.Modality.AsSpan().IndexOfAnyExcept(Modality.Text) < 0:
                    target.Clear(); // Modality.Text is 0
                    break;
                case 2:
                    for (var i = 0; i < target.Length; i++)
                    {
                        target[i] = document.Modality[i];
                    }

                    break;
                case 3:
                    Sequential(target);
                    break;
                default:
                    if (document.Rope is null)
                    {
                        Sequential(target);
                    }
                    else
                    {
                        for (var i = 0; i < target.Length; i++)
                        {
                            var (t, h, w) = document.Rope[i];
                            target[i] = column == 4 ? t : column == 5 ? h : w;
                        }
                    }

                    break;
            }

            offset += document.Length;
        }

        var padding = destination[offset..];
        padding.Fill(column switch
        {
            0 => padId,
            1 => RowAssembler.IgnoreIndex,
            2 => Modality.Padding,
            _ => 0,
        });
    }

    /// <summary>0, 1, 2, … a vector at a time (positions restart per document; the JIT does not vectorise the loop).</summary>
    private static void Sequential(Span<int> target)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && target.Length >= System.Numerics.Vector<int>.Count)
        {
            var step = new System.Numerics.Vector<int>(System.Numerics.Vector<int>.Count);
            var values = System.Numerics.Vector<int>.Indices;
            for (; i + System.Numerics.Vector<int>.Count <= target.Length; i += System.Numerics.Vector<int>.Count)
            {
                values.CopyTo(target[i..]);
                values += step;
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] = i;
        }
    }

    public string[] Strings(PackedRow row, int column) => column == 0
        ? [.. row.Documents.Select(document => document.DocId)]
        : [.. row.Documents.SelectMany(document => document.Media)];

    public void Count(PackedRow row, ShardStats stats)
    {
        long real = 0;
        foreach (var document in row.Documents)
        {
            real += document.Length;
            // Counted with the vectorised span counts: a loop with a switch per token was 1 % of pack on 2 cores.
            var modality = document.Modality.AsSpan();
            var text = modality.Count(Modality.Text);
            var image = modality.Count(Modality.Image);
            var audio = modality.Count(Modality.Audio);
            var video = modality.Count(Modality.Video);
            if (text + image + audio + video != modality.Length)
            {
                var other = modality[modality.IndexOfAnyExcept([Modality.Text, Modality.Image, Modality.Audio, Modality.Video])];
                throw new InvalidOperationException($"document {document.DocId} has a token of modality {other}, which is not text, image, audio or video");
            }

            stats.TextTokens += text;
            stats.ImageTokens += image;
            stats.AudioTokens += audio;
            stats.VideoTokens += video;
            stats.LossTokens += document.Loss.Length - document.Loss.AsSpan().Count(false);
        }

        stats.Rows++;
        stats.Documents += row.Documents.Count;
        stats.RealTokens += real;
        stats.PadTokens += seqLen - real;
    }

    public long RealTokens(PackedRow row) => row.Tokens;
}
