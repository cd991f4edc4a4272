using System.Text.Json.Serialization;
using DataForge.Core.SampleSets;

namespace DataForge.Core.Inspect;

/// <summary>What <c>dataforge inspect</c> reports about a sample set, computed from the data itself.</summary>
public sealed record SampleSetSummary
{
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "sample-set";

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Whether the run finished (<c>_SUCCESS</c> present); a partial set lacks some tasks.</summary>
    [JsonPropertyName("complete")]
    public required bool Complete { get; init; }

    [JsonPropertyName("config_hash")]
    public string? ConfigHash { get; init; }

    [JsonPropertyName("files")]
    public required int Files { get; init; }

    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    /// <summary>
    /// Samples and text characters per source file (a sample's source without its <c>#line</c>, <c>#cue</c> or member
    /// fragment), so a person mixing data sees what each input contributes.
    /// </summary>
    [JsonPropertyName("sources")]
    public IReadOnlyDictionary<string, SourceShare> Sources { get; init; } = new SortedDictionary<string, SourceShare>(StringComparer.Ordinal);

    [JsonPropertyName("parts")]
    public required PartCounts Parts { get; init; }

    [JsonPropertyName("text_chars")]
    public required long TextChars { get; init; }

    [JsonPropertyName("audio_seconds")]
    public required double AudioSeconds { get; init; }

    [JsonPropertyName("video_seconds")]
    public required double VideoSeconds { get; init; }

    [JsonPropertyName("splits")]
    public required IReadOnlyDictionary<string, long> Splits { get; init; }

    [JsonPropertyName("media")]
    public required MediaSummary Media { get; init; }

    [JsonPropertyName("rejects")]
    public required IReadOnlyDictionary<string, long> RejectsByReason { get; init; }
}

/// <summary>What one source file contributed to a sample set.</summary>
public sealed record SourceShare(
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("text_chars")] long TextChars);
