using DataForge.Core.Hashing;

namespace DataForge.Speech.Corpus;

/// <summary>
/// Train/dev/test by speaker, stratified by dialect: every speaker goes to exactly one split, so no voice is both
/// trained on and tested on. Each speaker counts in the dialect most of their utterances are in; within a dialect,
/// speakers in a seeded hash order fill test, then dev, each while adding the speaker brings its utterance count
/// closer to the target share. A dialect with three or more speakers always gets one in test and one in dev (the
/// one nearest the target size), so every dialect can be evaluated; one with fewer stays in train. Depends only on the (speaker, dialect, count)
/// table and the seed, never on input order or task count.
/// </summary>
public sealed class SpeakerSplits
{
    public const string Train = "train", Dev = "dev", Test = "test";

    public static readonly IReadOnlyList<string> Names = [Train, Dev, Test];

    private readonly Dictionary<string, Dictionary<string, long>> _utterances = new(StringComparer.Ordinal);

    public void Add(string speaker, string dialect)
    {
        if (!_utterances.TryGetValue(speaker, out var byDialect))
        {
            _utterances[speaker] = byDialect = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        byDialect[dialect] = byDialect.GetValueOrDefault(dialect) + 1;
    }

    public IReadOnlyDictionary<string, string> Assign(double devFraction, double testFraction, long seed)
    {
        var strata = _utterances
            .Select(pair => (Speaker: pair.Key, Count: pair.Value.Values.Sum(), Dialect: pair.Value.OrderByDescending(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal).First().Key))
            .GroupBy(speaker => speaker.Dialect, StringComparer.Ordinal);
        var splits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stratum in strata)
        {
            var speakers = stratum.OrderBy(speaker => Hashes.Sha256Hex($"{seed}\u001f{speaker.Speaker}"), StringComparer.Ordinal).ToList();
            double total = speakers.Sum(speaker => speaker.Count);
            var targets = new[] { (Split: Test, Target: testFraction * total), (Split: Dev, Target: devFraction * total) };
            var next = 0;
            foreach (var (split, target) in targets)
            {
                long held = 0;
                while (next < speakers.Count - 1 && target > 0)
                {
                    var first = held == 0 && speakers.Count >= 3;
                    if (first)
                    {
                        // The forced pick is the speaker whose size is nearest the target, not a large one by chance.
                        var nearest = Enumerable.Range(next, speakers.Count - next).MinBy(index => Math.Abs(speakers[index].Count - target));
                        (speakers[next], speakers[nearest]) = (speakers[nearest], speakers[next]);
                    }

                    var speaker = speakers[next];
                    if (!first && Math.Abs(held + speaker.Count - target) >= Math.Abs(held - target))
                    {
                        break;
                    }

                    splits[speaker.Speaker] = split;
                    held += speaker.Count;
                    next++;
                }
            }

            for (; next < speakers.Count; next++)
            {
                splits[speakers[next].Speaker] = Train;
            }
        }

        return splits;
    }
}
