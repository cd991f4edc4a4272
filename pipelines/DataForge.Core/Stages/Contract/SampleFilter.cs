using DataForge.Core.Model;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The base of a stage that keeps a sample or rejects it with a reason (filter, dedup-exact). Samples are judged one
/// at a time in stream order, so a filter may remember what it saw (dedup keeps the first copy).
/// </summary>
public abstract class SampleFilter : IStage
{
    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var run = new StageRun(context);
        await foreach (var sample in input.WithCancellation(context.CancellationToken))
        {
            if (Judge(sample) is { } rejection)
            {
                await run.RejectAsync(rejection);
                continue;
            }

            yield return sample;
        }

        run.PublishReport();
    }

    /// <summary>Null to keep the sample, else why it is refused.</summary>
    protected abstract Rejection? Judge(Sample sample);
}
