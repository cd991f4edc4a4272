using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Storage;

namespace DataForge.Inspect.Web;

/// <summary>
/// <c>inspect PATH --html FILE</c>: the server's views as one self-contained file. The page and its script are the
/// server's; the answers the page would ask /api for are written into it (the first <see cref="Pages"/> pages of rows,
/// every reason's first page of rejects, summaries and runs), and media as data URIs up to <see cref="MediumCap"/> each
/// and <see cref="MediaCap"/> in all (the rest are named, not shown). Search and later pages need --serve.
/// </summary>
public static class StaticExport
{
    public const int Pages = 5;
    public const int PageRows = 10;
    public const int RejectRows = 50;
    public const long MediumCap = 512 << 10;
    public const long MediaCap = 32L << 20;

    /// <summary>The file's text, and how many media were inlined and left out.</summary>
    public static async Task<(string Html, int Inlined, int LeftOut)> WriteAsync(InspectServer server, CancellationToken cancellationToken)
    {
        var answers = new JsonObject();
        var targets = server.Targets;
        answers["/api/targets"] = new JsonArray([.. targets.Select(InspectServer.Describe)]);
        var wanted = new List<(InspectTarget Target, string Sha)>();
        foreach (var target in targets)
        {
            var described = InspectServer.Describe(target);
            described["summary"] = await InspectServer.SummaryAsync(target, cancellationToken);
            answers[$"/api/targets/{target.Id}"] = described;
            switch (target.Kind)
            {
                case TargetKind.Shards:
                    var rows = new ShardRowsView(target);
                    for (var page = 0; page < Pages; page++)
                    {
                        var json = await rows.PageAsync(page * PageRows, PageRows, cancellationToken);
                        answers[$"/api/targets/{target.Id}/rows?offset={page * PageRows}&limit={PageRows}"] = json;
                        wanted.AddRange(MediaOf(json).Select(sha => (target, sha)));
                        if ((page + 1) * PageRows >= (long)json["total"]!)
                        {
                            break;
                        }
                    }

                    break;
                case TargetKind.SampleSet:
                    var samples = new SampleRowsView(target);
                    for (var page = 0; page < Pages; page++)
                    {
                        var json = await samples.PageAsync(page * PageRows, PageRows, null, cancellationToken);
                        answers[$"/api/targets/{target.Id}/rows?offset={page * PageRows}&limit={PageRows}"] = json;
                        wanted.AddRange(MediaOf(json).Select(sha => (target, sha)));
                        if (!(bool)json["more"]!)
                        {
                            break;
                        }
                    }

                    break;
                default:
                    answers[$"/api/targets/{target.Id}/run"] = await new RunView(target).ReadAsync(cancellationToken);
                    break;
            }

            if (target.Kind != TargetKind.Run)
            {
                var rejects = new RejectsView(target);
                var all = await rejects.PageAsync(null, 0, RejectRows, cancellationToken);
                answers[$"/api/targets/{target.Id}/rejects?offset=0&limit={RejectRows}"] = all;
                answers[$"/api/targets/{target.Id}/rejects?limit=1"] = await rejects.PageAsync(null, 0, 1, cancellationToken);
                foreach (var (reason, _) in all["by_reason"]!.AsObject())
                {
                    answers[$"/api/targets/{target.Id}/rejects?offset=0&limit={RejectRows}&reason={Uri.EscapeDataString(reason)}"] = await rejects.PageAsync(reason, 0, RejectRows, cancellationToken);
                }
            }
        }

        var media = new JsonObject();
        long total = 0;
        var leftOut = 0;
        foreach (var (target, sha) in wanted.DistinctBy(pair => pair.Sha))
        {
            if (await MediaLookup.FindAsync(target, sha, cancellationToken) is not { } found)
            {
                continue;
            }

            var bytes = await target.MediaOwner!.ReadAllBytesAsync(found.Path, cancellationToken);
            if (bytes.Length > MediumCap || total + bytes.Length > MediaCap)
            {
                leftOut++;
                continue;
            }

            total += bytes.Length;
            media[sha] = $"data:{found.ContentType};base64,{Convert.ToBase64String(bytes)}";
        }

        var data = new JsonObject { ["answers"] = answers, ["media"] = media, ["pages"] = Pages, ["generated_by"] = $"dataforge inspect --html" };
        return (Page(data), media.Count, leftOut);
    }

    /// <summary>Every "media" sha256 (and a clip's "frames") a page names (a shard row's segments, a sample's parts), found by walking its JSON.</summary>
    private static IEnumerable<string> MediaOf(JsonNode? node) => node switch
    {
        JsonObject json => json.SelectMany(pair => pair.Key == "media" && pair.Value is JsonValue value && value.TryGetValue<string>(out var sha) && MediaLookup.IsSha256(sha)
            ? [sha]
            : pair.Key == "frames" && pair.Value is JsonArray frames
                // A clip's sampled frames (its strip), each a JPEG in media/.
                ? frames.OfType<JsonValue>().Select(frame => frame.TryGetValue<string>(out var sha) ? sha : null).Where(sha => sha is not null && MediaLookup.IsSha256(sha)).Select(sha => sha!)
                : MediaOf(pair.Value)),
        JsonArray array => array.SelectMany(MediaOf),
        _ => [],
    };

    private static string Page(JsonObject data)
    {
        // The script and data go inline; "</" is written "<\/" so no string can end the script element early.
        var json = data.ToJsonString(DataForgeJson.Compact).Replace("</", "<\\/", StringComparison.Ordinal);
        var html = new StringBuilder(InspectServer.AssetText("index.html"));
        html.Replace("<link rel=\"stylesheet\" href=\"/assets/app.css\">", $"<style>\n{InspectServer.AssetText("app.css")}</style>");
        html.Replace("<script src=\"/assets/app.js\"></script>", $"<script>window.DATAFORGE_STATIC = {json};</script>\n<script>\n{InspectServer.AssetText("app.js").Replace("</", "<\\/", StringComparison.Ordinal)}</script>");
        return html.ToString();
    }
}
