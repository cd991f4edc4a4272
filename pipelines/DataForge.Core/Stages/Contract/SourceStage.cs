using System.Runtime.CompilerServices;
using DataForge.Core.Model;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The base of every source stage (DESIGN.md §2). It owns the rules sources share: upstream samples pass through
/// first, so several sources feed one pipeline; each input file of the task is read in order; input bytes and samples
/// read are counted for progress; outcomes are emitted in order (rejects, counters, samples); the stage's stats are
/// published when it ends. A source implements <see cref="ReadFileAsync"/>, or <see cref="ReadAsync"/> when it must
/// see all its files at once (interleave's two passes).
/// </summary>
public abstract class SourceStage : IStage
{
    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        await foreach (var upstream in input.WithCancellation(context.CancellationToken))
        {
            yield return upstream;
        }

        var run = NewRun(context);
        await foreach (var outcome in ReadAsync(run).WithCancellation(context.CancellationToken))
        {
            foreach (var sample in await run.EmitAsync(outcome))
            {
                context.Counters.AddSamplesRead();
                yield return sample;
            }
        }

        await CompleteAsync(run);
        run.PublishReport();
    }

    /// <summary>The run's bookkeeping; a stage that counts its rejects in its stats says so here.</summary>
    protected virtual StageRun NewRun(StageContext context) => new(context);

    /// <summary>Each input file of the task, in order (ordinal by URI), through <see cref="ReadFileAsync"/>.</summary>
    protected virtual async IAsyncEnumerable<StageOutcome> ReadAsync(StageRun run)
    {
        foreach (var file in run.Context.Inputs)
        {
            await foreach (var outcome in ReadFileAsync(file, run).WithCancellation(run.CancellationToken))
            {
                yield return outcome;
            }

            run.Context.Counters.FileDone(file.Uri, file.Length);
        }
    }

    /// <summary>One input file's outcomes, in the file's order.</summary>
    protected virtual IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run) =>
        throw new NotSupportedException($"{GetType().Name} reads its inputs in ReadAsync");

    /// <summary>After the last input: write what the stage keeps beside the samples (asr's manifests).</summary>
    protected virtual ValueTask CompleteAsync(StageRun run) => ValueTask.CompletedTask;

    /// <summary>An async stream of one outcome (a file refused as a whole).</summary>
    protected static async IAsyncEnumerable<StageOutcome> Single(StageOutcome outcome, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        cancellationToken.ThrowIfCancellationRequested();
        yield return outcome;
    }
}
