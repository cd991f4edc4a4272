using DataForge.Core.Model;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The base of a stage that turns each sample into an outcome on several cores (caption): the map runs in parallel
/// with bounded memory, outcomes are emitted in input order, never in the order threads finish (DESIGN.md §2).
/// </summary>
public abstract class MapStage : IStage
{
    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var run = new StageRun(context);
        await StartAsync(run);
        try
        {
            await foreach (var outcome in run.MapOrderedAsync(input, (sample, token) => MapAsync(sample, run, token), Parallelism(context)))
            {
                foreach (var sample in await run.EmitAsync(outcome))
                {
                    yield return sample;
                }
            }

            await CompleteAsync(run);
            run.PublishReport();
        }
        finally
        {
            await StopAsync(run);
        }
    }

    protected abstract ValueTask<StageOutcome> MapAsync(Sample sample, StageRun run, CancellationToken cancellationToken);

    /// <summary>Samples in flight at once; the run's workers unless the stage waits on something else (an endpoint).</summary>
    protected virtual int Parallelism(StageContext context) => context.Workers;

    protected virtual ValueTask StartAsync(StageRun run) => ValueTask.CompletedTask;

    /// <summary>After the last sample, before the report is published.</summary>
    protected virtual ValueTask CompleteAsync(StageRun run) => ValueTask.CompletedTask;

    /// <summary>Always, also when the stream ends early: release what <see cref="StartAsync"/> took.</summary>
    protected virtual ValueTask StopAsync(StageRun run) => ValueTask.CompletedTask;
}
