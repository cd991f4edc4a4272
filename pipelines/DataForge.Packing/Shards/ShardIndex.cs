using System.Text.Json.Serialization;

namespace DataForge.Packing.Shards;

/// <summary><c>index.json</c> of a packed shard set (schemas/packed-shards.md): what a trainer or a person needs to trust the rows.</summary>
public sealed record ShardIndex
{
    public const string FileName = "index.json";
    public const string FormatName = "dataforge.packed-shards";

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = 1;

    [JsonPropertyName("dataforge_version")]
    public required string DataForgeVersion { get; init; }

    [JsonPropertyName("seq_len")]
    public required int SeqLen { get; init; }

    [JsonPropertyName("rows")]
    public required long Rows { get; init; }

    [JsonPropertyName("real_tokens")]
    public required long RealTokens { get; init; }

    [JsonPropertyName("pad_tokens")]
    public required long PadTokens { get; init; }

    [JsonPropertyName("fill_ratio")]
    public required double FillRatio { get; init; }

    [JsonPropertyName("documents")]
    public required long Documents { get; init; }

    [JsonPropertyName("loss_tokens")]
    public required long LossTokens { get; init; }

    [JsonPropertyName("tokens_by_modality")]
    public required IReadOnlyDictionary<string, long> TokensByModality { get; init; }

    [JsonPropertyName("tokenizer")]
    public required TokenizerInfo Tokenizer { get; init; }

    [JsonPropertyName("layout")]
    public required LayoutInfo Layout { get; init; }

    [JsonPropertyName("config_hash")]
    public required string ConfigHash { get; init; }

    [JsonPropertyName("files")]
    public required IReadOnlyList<ShardFile> Files { get; init; }

    /// <summary>
    /// The files each shard is written as: parquet, arrow (Arrow IPC files) or both (each entry of <see cref="Files"/> is
    /// the Parquet file, with its Arrow twin under <c>arrow</c>). Sets written before it existed are Parquet.
    /// </summary>
    [JsonPropertyName("shard_format")]
    public string ShardFormat { get; init; } = ShardFormats.Parquet;

    /// <summary>The entries of <see cref="Files"/> to read in <paramref name="format"/> (parquet or arrow); null when the set lacks that format.</summary>
    public IReadOnlyList<ShardFile>? FilesIn(string format)
    {
        var files = new List<ShardFile>(Files.Count);
        foreach (var file in Files)
        {
            if (file.In(format) is not { } entry)
            {
                return null;
            }

            files.Add(entry);
        }

        return files;
    }

    /// <summary>
    /// With samples of several splits: each split's rows, tokens and files (as named in <see cref="Files"/>); its folder
    /// holds a complete shard set of its own. Absent (not written) when no sample had a split.
    /// </summary>
    [JsonPropertyName("splits")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, SplitSummary>? Splits { get; init; }

    /// <summary>For a mixture (dataforge mix): each source's target and realised share (schemas/mixture.md).</summary>
    [JsonPropertyName("mixture")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Mixing.MixtureInfo? Mixture { get; init; }

    /// <summary>With <c>ranks</c> above 1: the rows divide into that many equal parts (DESIGN.md §4).</summary>
    [JsonPropertyName("ranks")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Mixing.RanksInfo? Ranks { get; init; }
}

/// <summary>One split of a shard set: what its folder holds.</summary>
public sealed record SplitSummary(
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("real_tokens")] long RealTokens,
    [property: JsonPropertyName("documents")] long Documents,
    [property: JsonPropertyName("loss_tokens")] long LossTokens,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files);

/// <summary>The tokenizer of the shards. <see cref="File"/> names its copy inside the shard folder when it came from a
/// tokenizer.json, so the shards can be decoded (and trained on) without the original file.</summary>
public sealed record TokenizerInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("vocab_size")] int VocabSize,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("end_of_document_id")] int EndOfDocumentId,
    [property: JsonPropertyName("pad_id")] int PadId,
    [property: JsonPropertyName("special_tokens")] IReadOnlyDictionary<string, int> SpecialTokens,
    [property: JsonPropertyName("file")] string? File = null);

public sealed record LayoutInfo(
    [property: JsonPropertyName("loss")] string Loss,
    [property: JsonPropertyName("end_of_document")] bool EndOfDocument,
    [property: JsonPropertyName("split_long_text")] bool SplitLongText,
    [property: JsonPropertyName("ignore_index")] int IgnoreIndex,
    [property: JsonPropertyName("modality_codes")] IReadOnlyDictionary<string, int> ModalityCodes,
    [property: JsonPropertyName("image_patch")] int ImagePatch,
    [property: JsonPropertyName("image_min_pixels")] int ImageMinPixels,
    [property: JsonPropertyName("image_max_pixels")] int ImageMaxPixels,
    [property: JsonPropertyName("audio_tokens_per_second")] double AudioTokensPerSecond,
    [property: JsonPropertyName("packing")] string Packing,
    [property: JsonPropertyName("packing_window")] int PackingWindow,
    [property: JsonPropertyName("chat_template")] string ChatTemplate = "none",
    [property: JsonPropertyName("video_min_pixels")] int VideoMinPixels = 128 * 28 * 28,
    [property: JsonPropertyName("video_max_pixels")] int VideoMaxPixels = 768 * 28 * 28,
    [property: JsonPropertyName("video_chunk_seconds")] double VideoChunkSeconds = 2,
    [property: JsonPropertyName("interleave_video_audio")] bool InterleaveVideoAudio = true)
{
    /// <summary>
    /// The fields that decide what a row's tokens mean, as one line (how rows were filled, packing and its window, does
    /// not): two shard sets can be mixed or trained together only when these are equal.
    /// </summary>
    public string TokenMeaning() => FormattableString.Invariant(
        $"loss {Loss}, chat_template {ChatTemplate}, end_of_document {EndOfDocument}, split_long_text {SplitLongText}, ignore_index {IgnoreIndex}, modality_codes {string.Join(",", ModalityCodes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))}, image_patch {ImagePatch}, image_pixels {ImageMinPixels}..{ImageMaxPixels}, audio_tokens_per_second {AudioTokensPerSecond}, video_pixels {VideoMinPixels}..{VideoMaxPixels}, video_chunk_seconds {VideoChunkSeconds}, interleave_video_audio {InterleaveVideoAudio}");
}
