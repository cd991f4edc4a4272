using CsCheck;
using DataForge.Speech.Corpus;

namespace DataForge.Speech.Tests;

public sealed class SpeakerSplitsTests
{
    private static readonly string[] Dialects = ["yue", "cmn", "hak", "nan"];

    private static readonly Gen<(string Speaker, string Dialect)[]> Utterances =
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 3]).Array[1, 400]
            .Select(rows => rows.Select(row => ($"spk{row.Item1}", Dialects[row.Item2])).ToArray());

    private static IReadOnlyDictionary<string, string> Assign(IEnumerable<(string Speaker, string Dialect)> utterances, double dev = 0.1, double test = 0.1, long seed = 0)
    {
        var splits = new SpeakerSplits();
        foreach (var (speaker, dialect) in utterances)
        {
            splits.Add(speaker, dialect);
        }

        return splits.Assign(dev, test, seed);
    }

    [Fact]
    public void Every_speaker_is_in_exactly_one_split_and_the_order_of_input_does_not_matter()
    {
        Utterances.Sample(utterances =>
        {
            var splits = Assign(utterances);
            var reversed = Assign(utterances.Reverse());

            Assert.Equal(utterances.Select(u => u.Speaker).Distinct().Order(), splits.Keys.Order());
            Assert.All(splits.Values, split => Assert.Contains(split, SpeakerSplits.Names));
            Assert.Equal(splits.OrderBy(p => p.Key), reversed.OrderBy(p => p.Key));
        });
    }

    [Fact]
    public void Every_dialect_with_three_speakers_or_more_is_in_all_three_splits_and_keeps_training_data()
    {
        Utterances.Sample(utterances =>
        {
            var splits = Assign(utterances);
            var majority = utterances.GroupBy(u => u.Speaker)
                .ToDictionary(g => g.Key, g => g.GroupBy(u => u.Dialect).OrderByDescending(d => d.Count()).ThenBy(d => d.Key, StringComparer.Ordinal).First().Key);
            foreach (var stratum in majority.GroupBy(pair => pair.Value))
            {
                var used = stratum.Select(pair => splits[pair.Key]).ToHashSet();
                Assert.Contains(SpeakerSplits.Train, used);
                if (stratum.Count() >= 3)
                {
                    Assert.Equal(3, used.Count);
                }
            }
        });
    }

    [Fact]
    public void With_many_speakers_the_held_out_shares_are_near_their_targets()
    {
        var utterances = Enumerable.Range(0, 200).SelectMany(speaker => Enumerable.Repeat((Speaker: $"s{speaker}", Dialect: speaker % 2 == 0 ? "yue" : "cmn"), 5 + (speaker % 7))).ToList();

        var splits = Assign(utterances, dev: 0.1, test: 0.2);

        double Share(string split) => utterances.Count(u => splits[u.Speaker] == split) / (double)utterances.Count;
        Assert.InRange(Share(SpeakerSplits.Test), 0.18, 0.22);
        Assert.InRange(Share(SpeakerSplits.Dev), 0.08, 0.12);
    }

    [Fact]
    public void The_seed_changes_which_speakers_are_held_out()
    {
        var utterances = Enumerable.Range(0, 50).Select(speaker => ($"s{speaker}", "yue")).ToList();

        Assert.NotEqual(Assign(utterances, seed: 1).OrderBy(p => p.Key), Assign(utterances, seed: 2).OrderBy(p => p.Key));
        Assert.Equal(Assign(utterances, seed: 1).OrderBy(p => p.Key), Assign(utterances, seed: 1).OrderBy(p => p.Key));
    }
}
