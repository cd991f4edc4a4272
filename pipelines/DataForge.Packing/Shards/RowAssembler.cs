using DataForge.Packing.Layout;
using DataForge.Packing.Packing;

namespace DataForge.Packing.Shards;

/// <summary>Lays a packed row out as its L-long columns; padding sits at the end (label -100, modality 255).</summary>
public static class RowAssembler
{
    public const int IgnoreIndex = -100;

    public static ShardRow Assemble(PackedRow row, int seqLen, int padId)
    {
        var ids = new int[seqLen];
        var labels = new int[seqLen];
        var modality = new int[seqLen];
        var positions = new int[seqLen];
        var ropeT = new int[seqLen];
        var ropeH = new int[seqLen];
        var ropeW = new int[seqLen];
        var cuSeqlens = new int[row.Documents.Count + 1];
        var offset = 0;
        for (var d = 0; d < row.Documents.Count; d++)
        {
            var document = row.Documents[d];
            for (var i = 0; i < document.Length; i++)
            {
                var at = offset + i;
                ids[at] = document.Ids[i];
                labels[at] = document.Loss[i] ? document.Ids[i] : IgnoreIndex;
                modality[at] = document.Modality[i];
                positions[at] = i;
                (ropeT[at], ropeH[at], ropeW[at]) = document.RopeAt(i);
            }

            offset += document.Length;
            cuSeqlens[d + 1] = offset;
        }

        for (var at = offset; at < seqLen; at++)
        {
            ids[at] = padId;
            labels[at] = IgnoreIndex;
            modality[at] = Modality.Padding;
        }

        return new ShardRow
        {
            InputIds = ids,
            Labels = labels,
            Modality = modality,
            PositionIds = positions,
            RopeT = ropeT,
            RopeH = ropeH,
            RopeW = ropeW,
            CuSeqlens = cuSeqlens,
            DocIds = [.. row.Documents.Select(document => document.DocId)],
            Media = [.. row.Documents.SelectMany(document => document.Media)],
        };
    }
}
