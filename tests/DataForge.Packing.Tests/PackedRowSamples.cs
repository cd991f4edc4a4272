using DataForge.Packing.Layout;
using DataForge.Packing.Packing;

namespace DataForge.Packing.Tests;

/// <summary>Seeded packed rows for shard-writing tests: text and image documents (with M-RoPE grids and media) filling most of each row.</summary>
internal static class PackedRowSamples
{
    public static List<PackedRow> Rows(int count, int seed, int seqLen, int longestDocument, string idSuffix = "")
    {
        var random = new Random(seed);
        var rows = new List<PackedRow>();
        for (var r = 0; r < count; r++)
        {
            var documents = new List<TokenizedDocument>();
            var room = seqLen - random.Next(0, 9);
            while (room > 0)
            {
                var length = Math.Min(room, random.Next(1, longestDocument));
                var image = random.Next(4) == 0;
                documents.Add(new TokenizedDocument(
                    $"doc-{r}-{documents.Count}{idSuffix}",
                    r,
                    documents.Count,
                    [.. Enumerable.Range(0, length).Select(_ => random.Next(0, 100_000))],
                    [.. Enumerable.Range(0, length).Select(_ => random.Next(3) > 0)],
                    [.. Enumerable.Range(0, length).Select(i => image && i > 0 ? Modality.Image : Modality.Text)],
                    image ? [.. Enumerable.Range(0, length).Select(i => (i, i / 4, i % 4))] : null,
                    image ? [$"{r:x64}"] : []));
                room -= length;
            }

            rows.Add(new PackedRow(documents));
        }

        return rows;
    }
}
