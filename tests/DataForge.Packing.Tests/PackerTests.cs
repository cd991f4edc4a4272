using CsCheck;
using DataForge.Packing.Layout;
using DataForge.Packing.Packing;

namespace DataForge.Packing.Tests;

public sealed class PackerTests
{
    private static TokenizedDocument Document(int order, int length) =>
        new($"d{order}", order, 0, new int[length], new bool[length], new byte[length], null, []);

    private static List<PackedRow> Pack(IEnumerable<int> lengths, int seqLen, int window)
    {
        var packer = new BestFitPacker(seqLen, window);
        var rows = new List<PackedRow>();
        var order = 0;
        foreach (var length in lengths)
        {
            rows.AddRange(packer.Add(Document(order++, length)));
        }

        rows.AddRange(packer.Flush());
        return rows;
    }

    [Fact]
    public void Every_document_lands_in_exactly_one_row_and_no_row_overflows() =>
        Gen.Select(Gen.Int[1, 64].List[0, 300], Gen.Int[1, 50]).Sample(
            (lengths, window) =>
            {
                var rows = Pack(lengths, 64, window);
                Assert.All(rows, row => Assert.InRange(row.Tokens, 1, 64));
                var placed = rows.SelectMany(row => row.Documents).Select(document => document.Order).Order().ToList();
                Assert.Equal(Enumerable.Range(0, lengths.Count).Select(order => (long)order), placed);
            },
            iter: 300);

    [Fact]
    public void The_same_documents_give_the_same_rows() =>
        Gen.Int[1, 100].List[0, 200].Sample(
            lengths =>
            {
                var first = Pack(lengths, 128, 37).Select(row => string.Join(",", row.Documents.Select(document => document.Order)));
                var second = Pack(lengths, 128, 37).Select(row => string.Join(",", row.Documents.Select(document => document.Order)));
                Assert.Equal(first, second);
            },
            iter: 100);

    [Fact]
    public void A_realistic_mix_fills_rows_to_at_least_99_5_percent()
    {
        // Log-normal document lengths with a median of ~300 tokens (web text), L = 4096, as in the goal.
        var random = new Random(42);
        var lengths = Enumerable.Range(0, 60_000).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (int)Math.Clamp(Math.Exp(Math.Log(300) + (1.0 * normal)), 1, 4096);
        }).ToList();

        var rows = Pack(lengths, 4096, 20_000);

        var fill = (double)lengths.Sum(length => (long)length) / ((long)rows.Count * 4096);
        Assert.True(fill >= 0.995, $"fill {fill:P3} over {rows.Count} rows");
    }
}
