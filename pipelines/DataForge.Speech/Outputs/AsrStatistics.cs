using System.Text.Json.Nodes;

namespace DataForge.Speech.Outputs;

/// <summary>
/// asr/stats.json: hours and utterances per split and dialect, speakers per split, recordings read, and rejects by
/// reason. Counts of the manifests come from the merged files themselves, so they are exact across tasks.
/// </summary>
public static class AsrStatistics
{
    public static JsonObject Build(IReadOnlyList<SplitSummary> splits, IReadOnlyDictionary<string, long> counters)
    {
        var bySplit = new JsonObject();
        var dialects = new SortedDictionary<string, (long Utterances, double Seconds)>(StringComparer.Ordinal);
        foreach (var split in splits)
        {
            var perDialect = new JsonObject();
            foreach (var (dialect, utterances) in split.Utterances)
            {
                var seconds = split.Seconds[dialect];
                perDialect[dialect] = new JsonObject { ["utterances"] = utterances, ["hours"] = Math.Round(seconds / 3600, 4) };
                var total = dialects.GetValueOrDefault(dialect);
                dialects[dialect] = (total.Utterances + utterances, total.Seconds + seconds);
            }

            bySplit[split.Split] = new JsonObject
            {
                ["utterances"] = split.Utterances.Values.Sum(),
                ["hours"] = Math.Round(split.Seconds.Values.Sum() / 3600, 4),
                ["speakers"] = split.Speakers.Count,
                ["dialects"] = perDialect,
            };
        }

        var byDialect = new JsonObject();
        foreach (var (dialect, (utterances, seconds)) in dialects)
        {
            byDialect[dialect] = new JsonObject { ["utterances"] = utterances, ["hours"] = Math.Round(seconds / 3600, 4) };
        }

        var rejects = new JsonObject();
        foreach (var (name, count) in counters.Where(pair => pair.Key.StartsWith("rejects.", StringComparison.Ordinal)))
        {
            rejects[name["rejects.".Length..]] = count;
        }

        var leaked = splits.SelectMany(split => split.Speakers.Select(speaker => (speaker, split.Split)))
            .GroupBy(pair => pair.speaker, StringComparer.Ordinal)
            .Count(group => group.Select(pair => pair.Split).Distinct().Count() > 1);
        return new JsonObject
        {
            ["utterances"] = splits.Sum(split => split.Utterances.Values.Sum()),
            ["hours"] = Math.Round(splits.Sum(split => split.Seconds.Values.Sum()) / 3600, 4),
            ["speakers"] = splits.SelectMany(split => split.Speakers).Distinct(StringComparer.Ordinal).Count(),
            ["speakers_in_two_splits"] = leaked,
            ["recordings"] = counters.GetValueOrDefault("recordings"),
            ["recording_hours"] = Math.Round(counters.GetValueOrDefault("recording_milliseconds") / 3_600_000.0, 4),
            ["splits"] = bySplit,
            ["dialects"] = byDialect,
            ["rejects"] = new JsonObject { ["total"] = counters.Where(pair => pair.Key.StartsWith("rejects.", StringComparison.Ordinal)).Sum(pair => pair.Value), ["by_reason"] = rejects },
        };
    }
}
