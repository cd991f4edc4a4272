using System.Text.Json.Serialization;

namespace DataForge.Core.SampleSets;

/// <summary>
/// The Parquet row of a sample set, column for column as schemas/sample-set.md specifies. Parquet.Net maps
/// <see cref="Parts"/> to <c>list&lt;struct&lt;…&gt;&gt;</c>; the nullable members become optional columns.
/// </summary>
internal sealed class SampleRow
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("source")]
    public string Source { get; set; } = string.Empty;

    [JsonPropertyName("parts")]
    public List<PartRow> Parts { get; set; } = [];

    [JsonPropertyName("meta")]
    public string Meta { get; set; } = "{}";

    [JsonPropertyName("split")]
    public string? Split { get; set; }
}

internal sealed class PartRow
{
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("role")]
    public string Role { get; set; } = string.Empty;

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("media")]
    public string? Media { get; set; }

    [JsonPropertyName("mime")]
    public string? Mime { get; set; }

    [JsonPropertyName("width")]
    public int? Width { get; set; }

    [JsonPropertyName("height")]
    public int? Height { get; set; }

    [JsonPropertyName("duration")]
    public double? Duration { get; set; }

    [JsonPropertyName("sample_rate")]
    public int? SampleRate { get; set; }

    /// <summary>video: the clip's start in the source video, seconds.</summary>
    [JsonPropertyName("start")]
    public double? Start { get; set; }

    /// <summary>video: the source's average frame rate.</summary>
    [JsonPropertyName("fps")]
    public double? Fps { get; set; }

    /// <summary>video: each sampled frame's time from the clip's start, seconds.</summary>
    [JsonPropertyName("frame_times")]
    public List<double>? FrameTimes { get; set; }

    /// <summary>video: each sampled frame's sha256 (a JPEG in media/).</summary>
    [JsonPropertyName("frames")]
    public List<string>? Frames { get; set; }
}
