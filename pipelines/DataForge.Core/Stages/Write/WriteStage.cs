using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.Write;

/// <summary>
/// The sample-set sink: each task writes its samples, in stream order, to <c>part-&lt;task&gt;.parquet</c>, published
/// atomically when the stream ends. Samples pass through, so a pipeline may go on after writing.
/// </summary>
public sealed class WriteStage(WriteOptions options) : IStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<WriteOptions>("write", "write the samples as a sample set (Parquet + media + manifest)", options => new WriteStage(options),
            [], writesTo: _ => string.Empty);

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var cancellationToken = context.CancellationToken;
        await using var writer = await SampleSetWriter.CreateAsync(context.Output, SampleSetFiles.PartFile(context.TaskIndex), options.RowGroupSize, cancellationToken);
        await foreach (var sample in input.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(sample, cancellationToken);
            context.Counters.AddSamplesWritten();
            yield return sample;
        }

        context.Outputs.Add(await writer.CompleteAsync(cancellationToken));
    }
}
