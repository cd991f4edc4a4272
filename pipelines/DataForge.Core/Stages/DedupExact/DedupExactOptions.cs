using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.DedupExact;

public sealed record DedupExactOptions : IStageOptions
{
    [Option("Whether part roles count: with false, the same text as context and as target is one duplicate.")]
    public bool IncludeRoles { get; init; } = true;

    public IEnumerable<string> Validate() => [];
}
