using System.Text.Json.Nodes;

namespace DataForge.Core.Stages.Contract;

/// <summary>Named counters of one task of a stage; the run's manifest sums them over tasks (stage_stats).</summary>
public sealed class StageStats
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string name, long count = 1) => _counts[name] = _counts.GetValueOrDefault(name) + count;

    public long this[string name] => _counts.GetValueOrDefault(name);

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, count) in _counts)
        {
            json[name] = count;
        }

        return json;
    }
}
