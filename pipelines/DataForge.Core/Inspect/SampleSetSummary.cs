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

    [JsonPropertyName("parts")]
    public required PartCounts Parts { get; init; }

    [JsonPropertyName("text_chars")]
    public required long TextChars { get; init; }

    [JsonPropertyName("audio_seconds")]
    public required double AudioSeconds { get; init; }

    [JsonPropertyName("splits")]
    public required IReadOnlyDictionary<string, long> Splits { get; init; }

    [JsonPropertyName("media")]
    public required MediaSummary Media { get; init; }

    [JsonPropertyName("rejects")]
    public required IReadOnlyDictionary<string, long> RejectsByReason { get; init; }
}
