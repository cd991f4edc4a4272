using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Packing.Layout;

/// <summary>How samples become tokens and rows. Every field is recorded in index.json (DESIGN.md §3).</summary>
public sealed record PackOptions : IStageOptions
{
    [Option("Tokens per row (L).")]
    public int SeqLen { get; init; } = 4096;

    [Option("cl100k_base, o200k_base, or the path of a Hugging Face tokenizer.json (relative to the pipeline file).")]
    public string Tokenizer { get; init; } = "cl100k_base";

    [Option("all (pretraining: every text token carries loss) or targets (only target parts do); default all, and targets under a chat template.")]
    public string? Loss { get; init; }

    [Option("Lay samples out as conversations: chatml, qwen2, qwen3, llama3, mistral, none, or a template .json file (relative to the pipeline file); turn markers are the tokenizer's special tokens and only assistant turns carry loss.")]
    public string ChatTemplate { get; init; } = "none";

    [Option("Append the end-of-document token after each document.")]
    public bool EndOfDocument { get; init; } = true;

    [Option("Cut text-only documents longer than a row into consecutive chunks; otherwise reject them.")]
    public bool SplitLongText { get; init; } = true;

    [Option("Documents held at once for best-fit-decreasing packing.")]
    public int PackingWindow { get; init; } = 20_000;

    [Option("Rows per shard file before rolling to the next.")]
    public int RowsPerShard { get; init; } = 2048;

    [Option("Rows per Parquet row group.")]
    public int RowGroupSize { get; init; } = 128;

    [Option("Shard files: parquet (compressed, for any reader), arrow (Arrow IPC files, uncompressed: the trainer maps them and decodes nothing) or both (each shard in both, the same rows; index.json lists the Parquet file with its Arrow twin).")]
    public string Format { get; init; } = "parquet";

    [Option("Compression of Parquet shard pages: zstd (its fastest level), snappy or none. Chosen by measurement (bench/README.md): zstd made shards 6.4x smaller than snappy at the same pack speed.")]
    public string ParquetCompression { get; init; } = "zstd";

    [Option("Images are resized up to at least this many pixels, in multiples of image_patch (Qwen2-VL min_pixels).")]
    public int ImageMinPixels { get; init; } = 56 * 56;

    [Option("Images are resized down to at most this many pixels before their tokens are counted (Qwen2-VL max_pixels).")]
    public int ImageMaxPixels { get; init; } = 28 * 28 * 1280;

    [Option("One image token per ImagePatch × ImagePatch pixels (14 px patches merged 2×2, as Qwen2-VL).")]
    public int ImagePatch { get; init; } = 28;

    [Option("Audio placeholder tokens per second (Whisper-style 40 ms frames).")]
    public double AudioTokensPerSecond { get; init; } = 25;

    [Option("Video frames are resized up to at least this many pixels before their tokens are counted (Qwen2-VL's video processor, 128 × 28 × 28).")]
    public int VideoMinPixels { get; init; } = 128 * 28 * 28;

    [Option("Video frames are resized down to at most this many pixels (Qwen2-VL's video processor, 768 × 28 × 28).")]
    public int VideoMaxPixels { get; init; } = 768 * 28 * 28;

    [Option("A clip's frames and its audio interleave in chunks of this many seconds (Qwen2.5-Omni's TMRoPE: 2).")]
    public double VideoChunkSeconds { get; init; } = 2;

    [Option("An Audio part right after a Video part is the clip's track: its tokens interleave with the frames' in time (false: laid out after the video, as any audio).")]
    public bool InterleaveVideoAudio { get; init; } = true;

    [Option("Make each task's rows (per split) divisible by this many training ranks, dropping at most ranks − 1 of its last rows, reported in index.json (one task: at most ranks − 1 in all).")]
    public int Ranks { get; init; } = 1;

    [Option("Output folder for shards, relative to the run's output.")]
    public string Path { get; init; } = string.Empty;

    /// <summary>The loss rule in force: as given, else targets under a chat template and all without one.</summary>
    public string EffectiveLoss => Loss ?? (ChatTemplate == "none" ? "all" : "targets");

    public bool LossOnTargetsOnly => EffectiveLoss == "targets";

    public IEnumerable<string> Validate()
    {
        if (SeqLen is < 16 or > 1 << 20)
        {
            yield return "seq_len must be between 16 and 1048576";
        }

        if (Loss is not (null or "all" or "targets"))
        {
            yield return $"loss must be 'all' or 'targets', not '{Loss}'";
        }

        if (ChatTemplate != "none" && !ChatTemplate.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !Templates.ChatTemplates.BuiltIn.Any(template => template.Name == ChatTemplate))
        {
            yield return $"unknown chat_template '{ChatTemplate}' (use {Templates.ChatTemplates.KnownNames}, or a template .json file)";
        }

        if (Loss == "all" && ChatTemplate != "none")
        {
            yield return $"loss: all contradicts chat_template: {ChatTemplate}, which trains on assistant turns only";
        }

        if (PackingWindow < 1 || RowsPerShard < 1 || RowGroupSize < 1)
        {
            yield return "packing_window, rows_per_shard and row_group_size must be positive";
        }

        if (ImagePatch < 1 || ImageMinPixels < ImagePatch * ImagePatch || ImageMaxPixels < ImageMinPixels)
        {
            yield return "image bounds must satisfy patch² <= image_min_pixels <= image_max_pixels";
        }

        if (!Shards.ShardFormats.All.Contains(Format))
        {
            yield return $"format must be parquet, arrow or both, not '{Format}'";
        }

        if (ParquetCompression is not ("zstd" or "snappy" or "none"))
        {
            yield return $"parquet_compression must be zstd, snappy or none, not '{ParquetCompression}'";
        }

        if (Ranks is < 1 or > 65_536)
        {
            yield return $"ranks must be 1..65536, not {Ranks}";
        }

        if (AudioTokensPerSecond <= 0)
        {
            yield return "audio_tokens_per_second must be positive";
        }

        if (VideoMinPixels < ImagePatch * ImagePatch || VideoMaxPixels < VideoMinPixels)
        {
            yield return "video bounds must satisfy patch² <= video_min_pixels <= video_max_pixels";
        }

        if (!(VideoChunkSeconds > 0) || Math.Round(VideoChunkSeconds * AudioTokensPerSecond) < 1)
        {
            yield return "video_chunk_seconds must be positive and hold at least one audio token";
        }
    }
}
