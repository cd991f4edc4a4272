using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.DedupExact;

/// <summary>
/// Keeps the first sample of each exact content (text and media hashes, in order) and rejects later copies,
/// naming the sample kept. Scope is one task: inputs are bucketed by file, so run with one task (or dedup again
/// after merging) for corpus-wide exactness. Memory: 16 bytes per distinct sample.
/// </summary>
public sealed class DedupExactStage(DedupExactOptions options) : SampleFilter
{
    public static readonly StageDefinition Definition =
        new StageDefinition<DedupExactOptions>("dedup-exact", "reject samples whose content repeats an earlier sample exactly", options => new DedupExactStage(options),
            [CoreRejectReasons.DedupExactDuplicate]);

    private readonly Dictionary<UInt128, string> _firstByContent = [];

    public UInt128 ContentKey(Sample sample) => SampleMeasures.ContentKey(sample.Parts, options.IncludeRoles);

    protected override Rejection? Judge(Sample sample)
    {
        var key = ContentKey(sample);
        if (_firstByContent.TryGetValue(key, out var keptId))
        {
            return new Rejection(sample.Id, CoreRejectReasons.DedupExactDuplicate, $"same content as sample {keptId}");
        }

        _firstByContent.Add(key, sample.Id);
        return null;
    }
}
