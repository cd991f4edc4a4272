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

    /// <summary>
    /// Why this row cannot be trained on (columns of the wrong length, document boundaries out of order, token ids
    /// outside the vocabulary), or null: a reader of shards from elsewhere checks before indexing with these numbers.
    /// </summary>
    public string? Problem(int seqLen, int vocabSize)
    {
        int[][] columns = [InputIds, Labels, Modality, PositionIds, RopeT, RopeH, RopeW];
        if (columns.Any(column => column.Length != seqLen))
        {
            return $"a column's length is not seq_len {seqLen}";
        }

        if (CuSeqlens.Length < 1 || CuSeqlens[0] != 0 || CuSeqlens[^1] > seqLen || CuSeqlens.Zip(CuSeqlens.Skip(1)).Any(pair => pair.Second <= pair.First))
        {
            return "cu_seqlens must rise from 0 to at most seq_len";
        }

        if (InputIds.Any(id => id < 0 || id >= vocabSize) || Labels.Any(label => label != -100 && (label < 0 || label >= vocabSize)))
        {
            return $"a token id or label is outside the vocabulary of {vocabSize}";
        }

        return Modality.Any(m => m is not (0 or 1 or 2 or 3 or 255)) ? "a modality is not 0 (text), 1 (image), 2 (audio), 3 (video) or 255 (padding)" : null;
    }
}
