using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadSamples;

public sealed record ReadSamplesOptions : ISourceOptions
{
    [Option("Sample set folders or URIs; when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("Read a set whose run has not finished (no _SUCCESS); off by default, since it may be missing tasks.")]
    public bool AllowIncomplete { get; init; }

    [Option("Copy the media the samples name into the run's output, so the sets a run writes stay self-contained (the default). Off for runs that write no sample set (packing), whose media stay in the input sets.")]
    public bool CopyMedia { get; init; } = true;

    public IEnumerable<string> Validate() => [];
}
