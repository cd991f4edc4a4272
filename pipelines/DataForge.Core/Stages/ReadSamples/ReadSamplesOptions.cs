using DataForge.Core.Pipeline;

namespace DataForge.Core.Stages.ReadSamples;

public sealed record ReadSamplesOptions : ISourceOptions
{
    /// <summary>Sample set folders or URIs; when absent, the pipeline's top-level inputs.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>Read a set whose run has not finished (no _SUCCESS); off by default, since it may be missing tasks.</summary>
    public bool AllowIncomplete { get; init; }

    /// <summary>
    /// Copy the media the samples name into the run's output, so the sets a run writes stay self-contained (the
    /// default). Off for runs that write no sample set (packing), whose media stay in the input sets.
    /// </summary>
    public bool CopyMedia { get; init; } = true;

    public IEnumerable<string> Validate() => [];
}
