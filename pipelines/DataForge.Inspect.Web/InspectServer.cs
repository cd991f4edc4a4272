using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Storage;
using DataForge.Packing.Inspect;
using DataForge.Training.Inspect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DataForge.Inspect.Web;

/// <summary>
/// <c>dataforge inspect PATH --serve</c>: a local web app over the sample sets, shard sets and runs under PATH (Kestrel,
/// minimal APIs). Only the routes below answer: the page and its two assets, the JSON endpoints (which the page reads,
/// and which give what <c>inspect --json</c> prints), and media by sha256; any other URL, <c>..</c> in any spelling
/// included, is 404, and nothing but the inspected sets' objects is ever read.
/// </summary>
public sealed class InspectServer
{
    private static readonly string[] Assets = ["app.js", "app.css"];

    private readonly IReadOnlyList<InspectTarget> _targets;
    private readonly Dictionary<int, Lazy<Task<JsonNode>>> _summaries = [];
    private readonly Dictionary<int, ShardRowsView> _shardRows = [];

    private InspectServer(IReadOnlyList<InspectTarget> targets)
    {
        _targets = targets;
        foreach (var target in targets)
        {
            _summaries[target.Id] = new Lazy<Task<JsonNode>>(() => SummaryAsync(target, CancellationToken.None));
            _shardRows[target.Id] = new ShardRowsView(target);
        }
    }

    /// <param name="above">the folder holding PATH, when there is one (see <see cref="InspectTargets.FindAsync"/>)</param>
    public static async Task<InspectServer> OpenAsync(IStorage root, IStorage? above, CancellationToken cancellationToken)
    {
        var targets = await InspectTargets.FindAsync(root, above, cancellationToken);
        return targets.Count > 0
            ? new InspectServer(targets)
            : throw new DataForgeException($"{root.Uri} holds no sample set, packed shards or training run (to {InspectTargets.MaxDepth} folders deep)");
    }

    public IReadOnlyList<InspectTarget> Targets => _targets;

    /// <summary>Serves until <paramref name="cancellationToken"/> fires; <paramref name="started"/> gets the address it listens on.</summary>
    public async Task RunAsync(IPAddress address, int port, Func<Uri, Task> started, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // stdout is the command's: one line says where the server is
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port));
        await using var app = builder.Build();
        Map(app);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await started(new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal) + "/"));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or a stop signal: a normal end of serving.
        }

        await app.StopAsync(CancellationToken.None);
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/assets/{name}", (string name) => Assets.Contains(name)
            ? Asset(name, name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
            : Results.NotFound());
        app.MapGet("/api/targets", () => Json(new JsonArray([.. _targets.Select(Describe)])));
        app.MapGet("/api/targets/{id:int}", (int id) => With(id, async target =>
        {
            var json = Describe(target);
            json["summary"] = (await _summaries[id].Value).DeepClone();
            return json;
        }));
        app.MapGet("/api/targets/{id:int}/rows", (int id, long? offset, int? limit, string? q, CancellationToken cancellationToken) => With(id, async target => target.Kind switch
        {
            TargetKind.Shards => await _shardRows[id].PageAsync(Math.Max(0, offset ?? 0), limit ?? 10, cancellationToken),
            TargetKind.SampleSet => await new SampleRowsView(target).PageAsync(Math.Max(0, offset ?? 0), limit ?? 10, q, cancellationToken),
            _ => null,
        }));
        app.MapGet("/api/targets/{id:int}/search", (int id, string? q, CancellationToken cancellationToken) => With(id, async target =>
            target.Kind == TargetKind.Shards && q is { Length: > 0 } ? await _shardRows[id].SearchAsync(q, cancellationToken) : null));
        app.MapGet("/api/targets/{id:int}/rejects", (int id, string? reason, long? offset, int? limit, CancellationToken cancellationToken) => With(id, async target =>
            target.Kind == TargetKind.Run ? null : await new RejectsView(target).PageAsync(reason, Math.Max(0, offset ?? 0), limit ?? 50, cancellationToken)));
        app.MapGet("/api/targets/{id:int}/run", (int id, CancellationToken cancellationToken) => With(id, async target =>
            target.Kind == TargetKind.Run ? await new RunView(target).ReadAsync(cancellationToken) : null));
        app.MapGet("/media/{id:int}/{sha}", async (int id, string sha, CancellationToken cancellationToken) =>
        {
            if (id < 0 || id >= _targets.Count || await MediaLookup.FindAsync(_targets[id], sha, cancellationToken) is not { } found)
            {
                return Results.NotFound();
            }

            var stream = await _targets[id].MediaOwner!.OpenReadAsync(found.Path, cancellationToken);
            return Results.Stream(stream, found.ContentType, enableRangeProcessing: true);
        });
    }

    private async Task<IResult> With(int id, Func<InspectTarget, Task<JsonNode?>> read)
    {
        if (id < 0 || id >= _targets.Count)
        {
            return Results.NotFound();
        }

        try
        {
            return await read(_targets[id]) is { } json ? Json(json) : Results.NotFound();
        }
        catch (DataForgeException e)
        {
            return Results.Json(new JsonObject { ["error"] = e.Message }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    internal static JsonObject Describe(InspectTarget target) => new()
    {
        ["id"] = target.Id,
        ["kind"] = target.KindName,
        ["path"] = target.Path,
        ["uri"] = target.Storage.Uri,
        ["rejects"] = target.RejectsOwner is not null,
        ["media"] = target.MediaOwner is not null,
    };

    /// <summary>The object <c>dataforge inspect --json</c> prints for the target.</summary>
    public static async Task<JsonNode> SummaryAsync(InspectTarget target, CancellationToken cancellationToken) => target.Kind switch
    {
        TargetKind.SampleSet => JsonSerializer.SerializeToNode(await SampleSetInspector.SummarizeAsync(target.Storage, cancellationToken), DataForgeJson.Indented)!,
        TargetKind.Shards => JsonSerializer.SerializeToNode(await ShardInspector.SummarizeAsync(target.Storage, cancellationToken), DataForgeJson.Indented)!,
        _ => (await RunSummary.ReadAsync(target.Storage, cancellationToken)).ToJson(),
    };

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(DataForgeJson.Compact), "application/json; charset=utf-8");

    private static IResult Asset(string name, string contentType) => Results.Text(AssetText(name), contentType);

    /// <summary>The page's index.html, app.js or app.css, as built into this assembly.</summary>
    internal static string AssetText(string name)
    {
        using var stream = typeof(InspectServer).Assembly.GetManifestResourceStream($"wwwroot/{name}")
            ?? throw new InvalidOperationException($"the page's {name} is not built into {typeof(InspectServer).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
