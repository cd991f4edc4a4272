using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DataForge.Core.Pipeline;

/// <summary>A stage kind the registry knows: its name, a one-line summary, and how to build it from options.</summary>
public abstract class StageDefinition
{
    /// <summary>Options are snake_case in YAML and JSON, as in the rest of the formats.</summary>
    public static readonly JsonSerializerOptions OptionsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public abstract string Name { get; }

    public abstract string Summary { get; }

    /// <summary>Options with every default filled in, as canonical JSON; the config hash is taken over this.</summary>
    public abstract JsonObject Normalize(JsonObject options, string where);

    public abstract IStage Create(JsonObject options, string where);

    /// <summary>
    /// Runs once when every task of the run is done, before the run's <c>_SUCCESS</c>: a sink merges what its tasks
    /// reported (e.g. the packer writes index.json). Must be idempotent: two processes may finish the same run.
    /// </summary>
    public virtual Task FinishAsync(StageFinishContext context) => Task.CompletedTask;

    /// <summary>Whether the stage is a source (reads input files rather than samples).</summary>
    public abstract bool IsSource { get; }

    /// <summary>A source's own inputs, or null to read the pipeline's top-level inputs.</summary>
    public abstract IReadOnlyList<string>? SourceInputs(JsonObject options, string where);
}

/// <summary>What a stage's <see cref="StageDefinition.FinishAsync"/> gets: its options and every task's report.</summary>
public sealed record StageFinishContext(
    JsonObject Options,
    string Where,
    Storage.IStorage Output,
    string ConfigHash,
    IReadOnlyList<JsonNode?> TaskReports,
    string BaseDirectory,
    CancellationToken CancellationToken);

public sealed class StageDefinition<TOptions>(string name, string summary, Func<TOptions, IStage> create) : StageDefinition
    where TOptions : IStageOptions, new()
{
    public override string Name => name;

    public override string Summary => summary;

    public override JsonObject Normalize(JsonObject options, string where) =>
        (JsonObject)JsonSerializer.SerializeToNode(Bind(options, where), OptionsJson)!;

    public override IStage Create(JsonObject options, string where) => create(Bind(options, where));

    public override bool IsSource => typeof(ISourceOptions).IsAssignableFrom(typeof(TOptions));

    public override IReadOnlyList<string>? SourceInputs(JsonObject options, string where) =>
        Bind(options, where) is ISourceOptions source ? source.Inputs : null;

    public TOptions Bind(JsonObject options, string where)
    {
        var known = OptionsJson.GetTypeInfo(typeof(TOptions)).Properties.Select(property => property.Name).ToList();
        foreach (var (key, _) in options)
        {
            if (!known.Contains(key))
            {
                throw new UsageException($"{where}: stage '{name}' has no option '{key}' (options: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
            }
        }

        TOptions bound;
        try
        {
            bound = options.Deserialize<TOptions>(OptionsJson) ?? new TOptions();
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 2 } jsonPath ? $" '{jsonPath[2..]}'" : string.Empty;
            throw new UsageException($"{where}: stage '{name}' option{path} has the wrong type", e);
        }

        var problems = bound.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new UsageException($"{where}: stage '{name}': {string.Join("; ", problems)}");
        }

        return bound;
    }
}
