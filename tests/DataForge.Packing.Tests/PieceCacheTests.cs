using System.Text;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Tests;

/// <summary>
/// The encoder's piece cache only saves merges: through its clearing (more distinct pieces than it holds) the ids are
/// those of merging every piece afresh, and pieces that share a hash cost misses, never a long probe or a wrong id.
/// </summary>
public sealed class PieceCacheTests
{
    [Fact]
    public void Ids_through_a_cache_that_fills_and_clears_equal_merging_every_piece()
    {
        var tokenizer = TiktokenEncoding.TryLoad("cl100k_base")!;
        // 70 000 distinct words of rare letter pairs (not tokens whole, so each goes through the cache), twice over.
        var words = Enumerable.Range(0, 70_000).Select(n => " qx" + string.Concat(n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture).Select(digit => (char)('j' + digit - '0'))) + "zv").ToList();
        var expected = new List<int>();
        foreach (var word in words)
        {
            tokenizer.Bpe.EncodePiece(Encoding.UTF8.GetBytes(word), expected);
        }

        var session = tokenizer.CreateSession();
        var text = string.Concat(words);
        for (var pass = 0; pass < 2; pass++)
        {
            var ids = new List<int>();
            session.Encode(text, ids);
            Assert.Equal(expected, ids);
        }
    }

    [Fact]
    public void Pieces_that_share_a_hash_are_kept_up_to_the_probe_bound_and_never_confused()
    {
        var cache = new PieceCache();
        const ulong SameHash = 0x1234_5678_9ABC_DEF0UL;
        for (var k = 0; k < 40; k++)
        {
            cache.Add(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"piece{k}")), SameHash, [k, k + 1000]);
        }

        var found = 0;
        for (var k = 0; k < 40; k++)
        {
            if (cache.TryGet(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"piece{k}")), SameHash, out var ids))
            {
                Assert.Equal([k, k + 1000], ids.ToArray());
                found++;
            }
        }

        Assert.Equal(16, found);
        Assert.False(cache.TryGet("piece0"u8, SameHash ^ 1, out _));
    }
}
