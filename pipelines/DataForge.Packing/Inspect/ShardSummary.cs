using System.Text.Json.Serialization;

namespace DataForge.Packing.Inspect;

/// <summary>What <c>dataforge inspect</c> reports about a shard set, computed from the rows (and checked against index.json).</summary>
public sealed record ShardSummary
{
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "packed-shards";

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("seq_len")]
    public required int SeqLen { get; init; }

    [JsonPropertyName("tokenizer")]
    public required string Tokenizer { get; init; }

    [JsonPropertyName("rows")]
    public required long Rows { get; init; }

    [JsonPropertyName("real_tokens")]
    public required long RealTokens { get; init; }

    [JsonPropertyName("fill_ratio")]
    public required double FillRatio { get; init; }

    [JsonPropertyName("documents")]
    public required long Documents { get; init; }

    [JsonPropertyName("loss_tokens")]
    public required long LossTokens { get; init; }

    [JsonPropertyName("tokens_by_modality")]
    public required IReadOnlyDictionary<string, long> TokensByModality { get; init; }

    /// <summary>Document lengths in tokens, bucketed by powers of two: key is the bucket's upper bound.</summary>
    [JsonPropertyName("document_length_histogram")]
    public required IReadOnlyDictionary<string, long> DocumentLengthHistogram { get; init; }

    [JsonPropertyName("files")]
    public required IReadOnlyList<ShardFileSummary> Files { get; init; }

    /// <summary>Rows by split, when the shards were packed by split (index.json <c>splits</c>).</summary>
    [JsonPropertyName("splits")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? Splits { get; init; }

    /// <summary>For a mixture: each source's target and realised share (index.json <c>mixture</c>, its sums checked against the rows).</summary>
    [JsonPropertyName("mixture")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Mixing.MixtureInfo? Mixture { get; init; }

    [JsonPropertyName("ranks")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Mixing.RanksInfo? Ranks { get; init; }

    /// <summary>Disagreements between the rows and index.json (empty when they agree).</summary>
    [JsonPropertyName("problems")]
    public required IReadOnlyList<string> Problems { get; init; }
}

public sealed record ShardFileSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("fill_ratio")] double FillRatio);
