using System.Text.Json.Serialization;

namespace DataForge.Packing.Shards;

/// <summary>
/// One packed row as a Parquet record (schemas/packed-shards.md). Every list has L entries except
/// <see cref="CuSeqlens"/>, <see cref="DocIds"/> and <see cref="Media"/>.
/// </summary>
public sealed class ShardRow
{
    [JsonPropertyName("input_ids")]
    public int[] InputIds { get; set; } = [];

    [JsonPropertyName("labels")]
    public int[] Labels { get; set; } = [];

    [JsonPropertyName("modality")]
    public int[] Modality { get; set; } = [];

    [JsonPropertyName("position_ids")]
    public int[] PositionIds { get; set; } = [];

    /// <summary>Qwen2-VL M-RoPE temporal/height/width positions; equal to position_ids for text.</summary>
    [JsonPropertyName("rope_t")]
    public int[] RopeT { get; set; } = [];

    [JsonPropertyName("rope_h")]
    public int[] RopeH { get; set; } = [];

    [JsonPropertyName("rope_w")]
    public int[] RopeW { get; set; } = [];

    /// <summary>0, end of document 1, …, number of real tokens: attention never crosses these boundaries.</summary>
    [JsonPropertyName("cu_seqlens")]
    public int[] CuSeqlens { get; set; } = [];

    [JsonPropertyName("doc_ids")]
    public string[] DocIds { get; set; } = [];

    /// <summary>sha256 of the media whose placeholder tokens the row holds, in order of appearance.</summary>
    [JsonPropertyName("media")]
    public string[] Media { get; set; } = [];
}
