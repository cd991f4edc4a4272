using DataForge.Core.Model;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The whole contract of a stage: samples in, samples out, streaming. Sources ignore <paramref name="input"/> and
/// read <see cref="StageContext.Inputs"/>; sinks write and pass their samples on.
/// </summary>
public interface IStage
{
    IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context);
}

/// <summary>The options record of a stage: defaults in the record, every rule in <see cref="Validate"/>.</summary>
public interface IStageOptions
{
    /// <summary>Problems with the options, one sentence each; empty when they are valid.</summary>
    IEnumerable<string> Validate();
}

/// <summary>
/// Options of a source stage. A source reads <see cref="Inputs"/> when given, else the pipeline's top-level
/// inputs; it passes upstream samples through first, so several sources can feed one pipeline.
/// </summary>
public interface ISourceOptions : IStageOptions
{
    IReadOnlyList<string>? Inputs { get; }
}

/// <summary>
/// Options of a stage that reads sources its options name as a whole (mix: every source of a mixture decides every
/// other's share), rather than input files split among tasks. It counts as the pipeline's source; task 0 does the work
/// and passes upstream samples through, as sources do.
/// </summary>
public interface IWholeRunSourceOptions : IStageOptions
{
}
