using DataForge.Core.Pipeline;

namespace DataForge.Core.Stages.DedupExact;

public sealed record DedupExactOptions : IStageOptions
{
    /// <summary>Whether part roles count: with false, the same text as context and as target is one duplicate.</summary>
    public bool IncludeRoles { get; init; } = true;

    public IEnumerable<string> Validate() => [];
}
