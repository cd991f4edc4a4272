using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core.Storage;

namespace DataForge.Inspect.Web;

/// <summary>
/// The rejects/ of a target's sample set, browsable by reason: the count of every reason, and a page of one reason's
/// rejects with the stage, the offending input's location and the message, each with the file and line it is on.
/// </summary>
public sealed class RejectsView(InspectTarget target)
{
    public const string Folder = "rejects";
    public const int PageLimit = 100;

    public async Task<JsonObject> PageAsync(string? reason, long offset, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, PageLimit);
        var byReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var rejects = new JsonArray();
        long matched = 0;
        if (target.RejectsOwner is { } owner)
        {
            await foreach (var item in owner.ListAsync(Folder, cancellationToken))
            {
                if (item.Refusal is not null || !item.Path.EndsWith(".jsonl", StringComparison.Ordinal))
                {
                    continue;
                }

                var lineNumber = 0;
                foreach (var line in Encoding.UTF8.GetString(await owner.ReadAllBytesAsync(item.Path, cancellationToken)).Split('\n'))
                {
                    lineNumber++;
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    var node = Parse(line);
                    var lineReason = node?["reason"]?.GetValue<string>() ?? "(not a reject line)";
                    byReason[lineReason] = byReason.GetValueOrDefault(lineReason) + 1;
                    if ((reason is null || reason == lineReason) && matched++ >= offset && rejects.Count < limit)
                    {
                        var entry = node ?? new JsonObject { ["line_text"] = line.Length > 500 ? line[..500] : line };
                        entry["file"] = item.Path;
                        entry["line"] = lineNumber;
                        rejects.Add(entry);
                    }
                }
            }
        }

        return new JsonObject
        {
            ["owner"] = target.RejectsOwner?.Uri,
            ["by_reason"] = new JsonObject([.. byReason.Select(pair => KeyValuePair.Create<string, JsonNode?>(pair.Key, pair.Value))]),
            ["reason"] = reason,
            ["offset"] = offset,
            ["matched"] = matched,
            ["rejects"] = rejects,
        };
    }

    private static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
