using System.Text.Json.Serialization;
using DataForge.Packing.Layout;

namespace DataForge.Packing.Shards;

/// <summary>Token accounting of a shard file or a whole set: what index.json reports.</summary>
public sealed class ShardStats
{
    [JsonPropertyName("rows")]
    public long Rows { get; set; }

    [JsonPropertyName("real_tokens")]
    public long RealTokens { get; set; }

    [JsonPropertyName("pad_tokens")]
    public long PadTokens { get; set; }

    /// <summary>Documents (or chunks of split documents) placed in rows.</summary>
    [JsonPropertyName("documents")]
    public long Documents { get; set; }

    [JsonPropertyName("loss_tokens")]
    public long LossTokens { get; set; }

    [JsonPropertyName("text_tokens")]
    public long TextTokens { get; set; }

    [JsonPropertyName("image_tokens")]
    public long ImageTokens { get; set; }

    [JsonPropertyName("audio_tokens")]
    public long AudioTokens { get; set; }

    [JsonPropertyName("video_tokens")]
    public long VideoTokens { get; set; }

    [JsonPropertyName("fill_ratio")]
    public double FillRatio => RealTokens + PadTokens == 0 ? 0 : Math.Round((double)RealTokens / (RealTokens + PadTokens), 6);

    public void Add(ShardRow row)
    {
        Rows++;
        Documents += row.DocIds.Length;
        foreach (var modality in row.Modality)
        {
            switch (modality)
            {
                case Modality.Text:
                    TextTokens++;
                    break;
                case Modality.Image:
                    ImageTokens++;
                    break;
                case Modality.Audio:
                    AudioTokens++;
                    break;
                case Modality.Video:
                    VideoTokens++;
                    break;
                default:
                    PadTokens++;
                    continue;
            }

            RealTokens++;
        }

        LossTokens += row.Labels.Count(label => label != RowAssembler.IgnoreIndex);
    }

    public void Add(ShardStats other)
    {
        Rows += other.Rows;
        RealTokens += other.RealTokens;
        PadTokens += other.PadTokens;
        Documents += other.Documents;
        LossTokens += other.LossTokens;
        TextTokens += other.TextTokens;
        ImageTokens += other.ImageTokens;
        AudioTokens += other.AudioTokens;
        VideoTokens += other.VideoTokens;
    }
}

/// <summary>
/// A published shard file. With pack's <c>format: both</c> the entry is the Parquet file and <see cref="Arrow"/> names
/// its Arrow IPC twin (the same rows, in the same order); with <c>arrow</c> alone the entry is the .arrow file itself.
/// </summary>
public sealed record ShardFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("real_tokens")] long RealTokens,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("arrow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShardFileCopy? Arrow = null)
{
    /// <summary>The entry of the file to read in <paramref name="format"/> (parquet or arrow), or null when the set has no such file.</summary>
    public ShardFile? In(string format) => format switch
    {
        ShardFormats.Arrow when ShardFormats.IsArrow(Name) => this,
        ShardFormats.Arrow => Arrow is { } copy ? this with { Name = copy.Name, Bytes = copy.Bytes, Sha256 = copy.Sha256, Arrow = null } : null,
        _ => ShardFormats.IsArrow(Name) ? null : this,
    };
}

/// <summary>A shard file's twin in another format: its name (in the same folder), size and sha256.</summary>
public sealed record ShardFileCopy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);
