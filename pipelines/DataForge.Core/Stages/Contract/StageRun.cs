using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// One run of a stage in one task, as the base classes see it: the context, the stage's stats (created when first
/// used and published to the task report under the stage's slot when the stage ends), and the one way outcomes are
/// emitted (rejects in order, counters, samples passed on).
/// </summary>
public sealed class StageRun(StageContext context)
{
    private StageStats? _stats;
    private JsonNode? _extra;

    public StageContext Context { get; } = context;

    public CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>The stage's counters (manifest stage_stats); a stage that never touches them publishes none.</summary>
    public StageStats Stats => _stats ??= new StageStats();

    /// <summary>Whether each reject also counts as <c>rejects.&lt;reason&gt;</c> in <see cref="Stats"/> (asr, seg2edit).</summary>
    public bool CountRejectsInStats { get; init; }

    /// <summary>A task-report entry of the stage's own shape (pack's shard list, caption's request counts) instead of <see cref="Stats"/>.</summary>
    public void Publish(JsonNode extra) => _extra = extra;

    public async ValueTask RejectAsync(Rejection rejection)
    {
        if (CountRejectsInStats)
        {
            Stats.Add($"rejects.{rejection.Reason}");
        }

        await Context.Rejects.RejectAsync(rejection.Input, rejection.Reason, rejection.Message, CancellationToken);
    }

    /// <summary>Writes the outcome's rejects and counters; returns its samples for the caller to pass on.</summary>
    public async ValueTask<IReadOnlyList<Sample>> EmitAsync(StageOutcome outcome)
    {
        foreach (var rejection in outcome.Rejections)
        {
            await RejectAsync(rejection);
        }

        foreach (var (name, count) in outcome.Counters)
        {
            Stats.Add(name, count);
        }

        return outcome.Samples;
    }

    /// <summary>Per-item work on <see cref="StageContext.Workers"/> cores, outcomes in input order.</summary>
    public IAsyncEnumerable<TResult> MapOrderedAsync<T, TResult>(IAsyncEnumerable<T> items, Func<T, CancellationToken, ValueTask<TResult>> map, int? degree = null) =>
        items.SelectOrderedAsync(map, degree ?? Context.Workers, CancellationToken);

    /// <summary>When the stage's stream ends (the base classes call it; a sink that is no base class calls it itself).</summary>
    public void PublishReport()
    {
        if (_extra is not null)
        {
            Context.Outputs.SetExtra(Context.StageSlot, _extra);
        }
        else if (_stats is not null)
        {
            Context.Outputs.SetExtra(Context.StageSlot, _stats.ToJson());
        }
    }
}
