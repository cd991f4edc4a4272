using System.Text.Json.Serialization;

namespace DataForge.Packing.Mixing;

/// <summary>index.json <c>mixture</c> (schemas/mixture.md): what was asked of each source and what its rows hold.</summary>
public sealed record MixtureInfo(
    [property: JsonPropertyName("weights")] string Weights,
    [property: JsonPropertyName("total_tokens")] long? TotalTokens,
    [property: JsonPropertyName("total_rows")] long? TotalRows,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("window_rows")] int WindowRows,
    [property: JsonPropertyName("worst_window_error")] double WorstWindowError,
    [property: JsonPropertyName("worst_window_first_row")] long WorstWindowFirstRow,
    [property: JsonPropertyName("sources")] IReadOnlyList<MixtureSourceInfo> Sources);

/// <summary>One source of a mixture: its target and realised share (in the unit of <c>weights</c>) and what it gave.</summary>
/// <param name="Epochs">units taken over units available: 0.5 a half subsample, 2.0 every document twice</param>
/// <param name="Repeats">documents placed again after the first pass over the source</param>
public sealed record MixtureSourceInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("target_share")] double TargetShare,
    [property: JsonPropertyName("realised_share")] double RealisedShare,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("tokens")] long Tokens,
    [property: JsonPropertyName("documents")] long Documents,
    [property: JsonPropertyName("repeats")] long Repeats,
    [property: JsonPropertyName("epochs")] double Epochs,
    [property: JsonPropertyName("max_epochs")] double MaxEpochs,
    [property: JsonPropertyName("available_tokens")] long AvailableTokens,
    [property: JsonPropertyName("available_documents")] long AvailableDocuments,
    [property: JsonPropertyName("left_out_other_splits")] long LeftOutOtherSplits);

/// <summary>index.json <c>ranks</c>: the set's rows divide into <see cref="Count"/> equal parts; what was dropped for it.</summary>
public sealed record RanksInfo(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("rows_per_rank")] long RowsPerRank,
    [property: JsonPropertyName("dropped_rows")] long DroppedRows,
    [property: JsonPropertyName("dropped_real_tokens")] long DroppedRealTokens);
