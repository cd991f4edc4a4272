using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Interleaved;

/// <summary>Options of the interleave stage (defaults after OBELICS' filters where it has them).</summary>
public sealed record InterleaveOptions : ISourceOptions
{
    [Option("WARC files (.warc, .warc.gz) or folders of .html pages with their images; else the pipeline's inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("Images whose shorter side is below this are dropped (tracking pixels, icons, bullets).")]
    public int MinImageSide { get; init; } = 150;

    [Option("Longer side over shorter side above this is a banner or a separator, not a picture.")]
    public double MaxAspectRatio { get; init; } = 3;

    [Option("Documents with fewer characters of text are dropped.")]
    public int MinTextChars { get; init; } = 50;

    [Option("Documents with more images than this are dropped (document.too_many_images): galleries, not prose.")]
    public int MaxImages { get; init; } = 30;

    [Option("Keep documents whose images were all dropped (as text-only documents).")]
    public bool KeepTextOnly { get; init; }

    [Option("An image shown on more pages than this (in one task) is a logo or banner and is dropped from them all.")]
    public int FrequentImagePages { get; init; } = 10;

    [Option("Within a document, an image within this many dHash bits of an earlier one is the same picture again.")]
    public int NearDuplicateBits { get; init; } = 4;

    [Option("Re-encode stored images to fit this longer side (0: store the original bytes).")]
    public int ReencodeMaxSide { get; init; }

    [Option("Format of re-encoded images: jpeg or webp (images with transparency become PNG or lossless-alpha WebP).")]
    public string ReencodeFormat { get; init; } = "jpeg";

    [Option("Quality (1..100) of re-encoded images.")]
    public int ReencodeQuality { get; init; } = 90;

    [Option("Images larger than this many pixels are not decoded (decompression bombs).")]
    public long MaxImagePixels { get; init; } = 178_956_970;

    [Option("Read the videos pages show (<video>, <source>) from the archives or beside the page into Video parts with their audio; false: count and skip them.")]
    public bool Videos { get; init; } = true;

    [Option("A page's video longer than this is split into clips of equal length that fit, seconds.")]
    public double VideoMaxClipSeconds { get; init; } = 30;

    [Option("Frames sampled per second of a page's video (Qwen2-VL samples 2).")]
    public double VideoFps { get; init; } = 2;

    [Option("At most this many frames per clip of a page's video.")]
    public int VideoMaxFrames { get; init; } = 768;

    [Option("Fetch images over HTTP(S) that neither the archives nor the disk hold.")]
    public bool Fetch { get; init; }

    [Option("Let fetches reach loopback, private and link-local addresses (tests, intranets); off, it guards against SSRF.")]
    public bool FetchAllowPrivate { get; init; }

    [Option("fetch: downloads in flight at once.")]
    public int FetchConcurrency { get; init; } = 8;

    [Option("fetch: seconds one download may take (fetch.timeout).")]
    public double FetchTimeoutSeconds { get; init; } = 15;

    [Option("fetch: the largest image body accepted, in bytes (fetch.too_large).")]
    public long FetchMaxBytes { get; init; } = 20L << 20;

    [Option("fetch: retries of a download that failed or got 429/5xx.")]
    public int FetchRetries { get; init; } = 2;

    [Option("fetch: the first backoff in milliseconds; it doubles each retry.")]
    public int FetchRetryBaseMs { get; init; } = 500;

    [Option("fetch: the User-Agent header sent.")]
    public string FetchUserAgent { get; init; } = "DataForge/0.1 (+interleave)";

    /// <summary>How a page's videos are read: whole, cut into clips of at most video_max_clip_seconds, no subtitles.</summary>
    public DataForge.Video.ReadVideoOptions VideoReading() => new()
    {
        Clips = "whole",
        MaxClipSeconds = VideoMaxClipSeconds,
        ClipSeconds = VideoMaxClipSeconds,
        MinClipSeconds = Math.Min(1, VideoMaxClipSeconds),
        Fps = VideoFps,
        MaxFrames = VideoMaxFrames,
        MinFrames = Math.Min(4, VideoMaxFrames),
        MaxSourcePixels = MaxImagePixels,
    };

    public IEnumerable<string> Validate()
    {
        foreach (var problem in VideoReading().Validate())
        {
            yield return $"video options: {problem}";
        }

        if (FetchConcurrency < 1 || FetchTimeoutSeconds <= 0 || FetchMaxBytes < 1 || FetchRetries < 0 || FetchRetryBaseMs < 0)
        {
            yield return "fetch_concurrency, fetch_timeout_seconds and fetch_max_bytes must be positive; fetch_retries and fetch_retry_base_ms not negative";
        }

        if (MinImageSide < 1 || MaxAspectRatio < 1 || MinTextChars < 0 || MaxImages < 1 || FrequentImagePages < 1 || NearDuplicateBits is < 0 or > 64)
        {
            yield return "min_image_side, max_images and frequent_image_pages must be positive, max_aspect_ratio at least 1, near_duplicate_bits 0..64";
        }

        if (ReencodeFormat is not ("jpeg" or "webp"))
        {
            yield return $"reencode_format must be jpeg or webp, not '{ReencodeFormat}'";
        }

        if (ReencodeMaxSide < 0 || ReencodeQuality is < 1 or > 100)
        {
            yield return "reencode_max_side must not be negative and reencode_quality must be 1..100";
        }
    }
}
