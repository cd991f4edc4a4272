using DataForge.Core.Storage;

namespace DataForge.Inspect.Web;

/// <summary>What a target is: a sample set, a shard set or a training run.</summary>
public enum TargetKind
{
    SampleSet,
    Shards,
    Run,
}

/// <summary>
/// One thing the server shows, found under the inspected PATH: its kind, its path relative to PATH ("." for PATH
/// itself), its storage, the sample set whose rejects/ belong to it (itself, or the set a shards/ folder sits in) and
/// the folder whose media/ its media refs resolve in.
/// </summary>
public sealed record InspectTarget(int Id, TargetKind Kind, string Path, IStorage Storage, IStorage? RejectsOwner, IStorage? MediaOwner)
{
    public string KindName => Kind switch
    {
        TargetKind.SampleSet => "samples",
        TargetKind.Shards => "shards",
        _ => "run",
    };
}
