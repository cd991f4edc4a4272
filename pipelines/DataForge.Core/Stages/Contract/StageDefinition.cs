using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// A stage kind the registry knows: its name, a one-line summary, its options (declared once, in its options record),
/// the reject reasons it may give, how to build it, and an optional finish step that runs when every task is done.
/// </summary>
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

    /// <summary>Whether the stage is a source (reads input files rather than samples): its options are <see cref="ISourceOptions"/>.</summary>
    public abstract bool IsSource { get; }

    /// <summary>Whether the stage reads, in task 0, sources its options name (mix; see <see cref="IWholeRunSourceOptions"/>).</summary>
    public abstract bool IsWholeRunSource { get; }

    /// <summary>Every option, in declaration order.</summary>
    public abstract IReadOnlyList<StageOption> Options { get; }

    /// <summary>The reasons the stage may reject with (each declared once in a project's catalogue).</summary>
    public abstract IReadOnlyList<RejectReason> Reasons { get; }

    /// <summary>
    /// Options with every default filled in, as canonical JSON; the config hash is taken over this. It also holds the
    /// options record's derived values (<c>loss_on_targets_only</c>), which are functions of the options: they were
    /// always part of it, and dropping them would change the config hash of every existing output.
    /// </summary>
    public abstract JsonObject Normalize(JsonObject options, string where);

    public abstract IStage Create(JsonObject options, string where);

    /// <summary>A source's own inputs, or null to read the pipeline's top-level inputs.</summary>
    public abstract IReadOnlyList<string>? SourceInputs(JsonObject options, string where);

    /// <summary>Where in the run's output a sink writes what it keeps ("" for the output itself), or null for a stage that writes nothing there.</summary>
    public abstract string? WritesTo(JsonObject options, string where);

    /// <summary>
    /// Runs once when every task of the run is done, before the run's <c>_SUCCESS</c>: a sink merges what its tasks
    /// reported (e.g. the packer writes index.json). Must be idempotent: two processes may finish the same run.
    /// </summary>
    public abstract Task FinishAsync(StageFinishContext context);
}

/// <summary>What a stage's finish step gets: its options and every task's report.</summary>
public sealed record StageFinishContext(
    JsonObject Options,
    string Where,
    IStorage Output,
    string ConfigHash,
    IReadOnlyList<JsonNode?> TaskReports,
    string BaseDirectory,
    CancellationToken CancellationToken);

/// <summary>A stage whose options are <typeparamref name="TOptions"/>; the only kind of definition there is.</summary>
/// <param name="finish">The finish step, given the bound options; none for most stages.</param>
/// <param name="writesTo">For a sink, where in the output it writes (see <see cref="StageDefinition.WritesTo"/>).</param>
public sealed class StageDefinition<TOptions>(
    string name,
    string summary,
    Func<TOptions, IStage> create,
    IReadOnlyList<RejectReason> reasons,
    Func<TOptions, StageFinishContext, Task>? finish = null,
    Func<TOptions, string>? writesTo = null) : StageDefinition
    where TOptions : IStageOptions, new()
{
    private readonly OptionSchema _schema = OptionSchema.For<TOptions>(OptionsJson);

    public override string Name => name;

    public override string Summary => summary;

    public override bool IsSource => typeof(ISourceOptions).IsAssignableFrom(typeof(TOptions));

    public override bool IsWholeRunSource => typeof(IWholeRunSourceOptions).IsAssignableFrom(typeof(TOptions));

    public override IReadOnlyList<StageOption> Options => _schema.Options;

    /// <summary>The stage's own reasons; a source also gives the input refusals every source shares (see <see cref="Rejects.CoreRejectReasons.InputRefusals"/>).</summary>
    public override IReadOnlyList<RejectReason> Reasons { get; } = typeof(ISourceOptions).IsAssignableFrom(typeof(TOptions))
        ? [.. reasons.Concat(Rejects.CoreRejectReasons.InputRefusals).DistinctBy(reason => reason.Code)]
        : reasons;

    public override JsonObject Normalize(JsonObject options, string where) =>
        (JsonObject)JsonSerializer.SerializeToNode(Bind(options, where), OptionsJson)!;

    public override IStage Create(JsonObject options, string where) => create(Bind(options, where));

    public override IReadOnlyList<string>? SourceInputs(JsonObject options, string where) =>
        Bind(options, where) is ISourceOptions source ? source.Inputs : null;

    public override string? WritesTo(JsonObject options, string where) =>
        writesTo is null ? null : writesTo(Bind(options, where));

    public override Task FinishAsync(StageFinishContext context) =>
        finish is null ? Task.CompletedTask : finish(Bind(context.Options, context.Where), context);

    public TOptions Bind(JsonObject options, string where)
    {
        _schema.CheckKeys(options, where, name);
        TOptions bound;
        try
        {
            bound = options.Deserialize<TOptions>(OptionsJson) ?? new TOptions();
        }
        catch (JsonException e)
        {
            throw new UsageException(_schema.TypeError(e, options, where, name), e);
        }

        var problems = bound.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new UsageException($"{where}: stage '{name}': {string.Join("; ", problems)}");
        }

        return bound;
    }
}
