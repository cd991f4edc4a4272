using System.Text.Json.Serialization;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.SampleSets;

/// <summary>
/// <c>_manifest.json</c> of a sample set (schemas/sample-set.md). Holds no timestamps or host names, so equal runs
/// give equal bytes.
/// </summary>
public sealed record SampleSetManifest
{
    public const string FormatName = "dataforge.sample-set";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = CurrentVersion;

    [JsonPropertyName("dataforge_version")]
    public required string DataForgeVersion { get; init; }

    [JsonPropertyName("pipeline")]
    public required string Pipeline { get; init; }

    [JsonPropertyName("config_hash")]
    public required string ConfigHash { get; init; }

    [JsonPropertyName("tasks")]
    public required int Tasks { get; init; }

    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    [JsonPropertyName("parts")]
    public required PartCounts Parts { get; init; }

    [JsonPropertyName("media")]
    public required MediaSummary Media { get; init; }

    [JsonPropertyName("files")]
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    [JsonPropertyName("rejects")]
    public required RejectSummary Rejects { get; init; }

    /// <summary>Counters that stages reported, summed over tasks, by stage slot (<c>00-interleave</c>).</summary>
    [JsonPropertyName("stage_stats")]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> StageStats { get; init; } =
        new SortedDictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
}

public sealed record MediaSummary(
    [property: JsonPropertyName("objects")] long Objects,
    [property: JsonPropertyName("bytes")] long Bytes);

public sealed record RejectSummary(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("by_reason")] IReadOnlyDictionary<string, long> ByReason,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files);
