using DataForge.Core.Pipeline;

namespace DataForge.Packing.Layout;

/// <summary>How samples become tokens and rows. Every field is recorded in index.json (DESIGN.md §3).</summary>
public sealed record PackOptions : IStageOptions
{
    /// <summary>Tokens per row (L).</summary>
    public int SeqLen { get; init; } = 4096;

    /// <summary><c>cl100k_base</c>, <c>o200k_base</c>.</summary>
    public string Tokenizer { get; init; } = "cl100k_base";

    /// <summary><c>all</c> (pretraining: every text token carries loss) or <c>targets</c> (only target parts do).</summary>
    public string Loss { get; init; } = "all";

    /// <summary>Append the end-of-document token after each document.</summary>
    public bool EndOfDocument { get; init; } = true;

    /// <summary>Cut text-only documents longer than a row into consecutive chunks; otherwise reject them.</summary>
    public bool SplitLongText { get; init; } = true;

    /// <summary>Documents held at once for best-fit-decreasing packing.</summary>
    public int PackingWindow { get; init; } = 20_000;

    /// <summary>Rows per shard file before rolling to the next.</summary>
    public int RowsPerShard { get; init; } = 2048;

    /// <summary>Rows per Parquet row group.</summary>
    public int RowGroupSize { get; init; } = 128;

    /// <summary>Qwen2-VL dynamic resolution: images are resized to multiples of <see cref="ImagePatch"/> pixels within these bounds.</summary>
    public int ImageMinPixels { get; init; } = 56 * 56;

    public int ImageMaxPixels { get; init; } = 28 * 28 * 1280;

    /// <summary>One image token per <c>ImagePatch × ImagePatch</c> pixels (14 px patches merged 2×2, as Qwen2-VL).</summary>
    public int ImagePatch { get; init; } = 28;

    /// <summary>Audio placeholder tokens per second (Whisper-style 40 ms frames).</summary>
    public double AudioTokensPerSecond { get; init; } = 25;

    /// <summary>Output folder for shards, relative to the run's output.</summary>
    public string Path { get; init; } = string.Empty;

    public bool LossOnTargetsOnly => Loss == "targets";

    public IEnumerable<string> Validate()
    {
        if (SeqLen is < 16 or > 1 << 20)
        {
            yield return "seq_len must be between 16 and 1048576";
        }

        if (Loss is not ("all" or "targets"))
        {
            yield return $"loss must be 'all' or 'targets', not '{Loss}'";
        }

        if (PackingWindow < 1 || RowsPerShard < 1 || RowGroupSize < 1)
        {
            yield return "packing_window, rows_per_shard and row_group_size must be positive";
        }

        if (ImagePatch < 1 || ImageMinPixels < ImagePatch * ImagePatch || ImageMaxPixels < ImageMinPixels)
        {
            yield return "image bounds must satisfy patch² <= image_min_pixels <= image_max_pixels";
        }

        if (AudioTokensPerSecond <= 0)
        {
            yield return "audio_tokens_per_second must be positive";
        }
    }
}
