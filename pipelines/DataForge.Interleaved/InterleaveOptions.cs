using DataForge.Core.Pipeline;

namespace DataForge.Interleaved;

/// <summary>Options of the interleave stage (defaults after OBELICS' filters where it has them).</summary>
public sealed record InterleaveOptions : ISourceOptions
{
    /// <summary>WARC files (.warc, .warc.gz) or folders of .html pages with their images; else the pipeline's inputs.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>Images whose shorter side is below this are dropped (tracking pixels, icons, bullets).</summary>
    public int MinImageSide { get; init; } = 150;

    /// <summary>Longer side over shorter side above this is a banner or a separator, not a picture.</summary>
    public double MaxAspectRatio { get; init; } = 3;

    /// <summary>Documents with fewer characters of text are dropped.</summary>
    public int MinTextChars { get; init; } = 50;

    public int MaxImages { get; init; } = 30;

    /// <summary>Keep documents whose images were all dropped (as text-only documents).</summary>
    public bool KeepTextOnly { get; init; }

    /// <summary>An image shown on more pages than this (in one task) is a logo or banner and is dropped from them all.</summary>
    public int FrequentImagePages { get; init; } = 10;

    /// <summary>Within a document, an image within this many dHash bits of an earlier one is the same picture again.</summary>
    public int NearDuplicateBits { get; init; } = 4;

    /// <summary>Re-encode stored images to fit this longer side (0: store the original bytes).</summary>
    public int ReencodeMaxSide { get; init; }

    /// <summary>Format of re-encoded images: <c>jpeg</c> or <c>webp</c> (images with transparency become PNG or lossless-alpha WebP).</summary>
    public string ReencodeFormat { get; init; } = "jpeg";

    /// <summary>Quality (1..100) of re-encoded images.</summary>
    public int ReencodeQuality { get; init; } = 90;

    /// <summary>Images larger than this many pixels are not decoded (decompression bombs).</summary>
    public long MaxImagePixels { get; init; } = 178_956_970;

    /// <summary>Fetch images over HTTP(S) that neither the archives nor the disk hold.</summary>
    public bool Fetch { get; init; }

    /// <summary>Let fetches reach loopback, private and link-local addresses (tests, intranets); off, it guards against SSRF.</summary>
    public bool FetchAllowPrivate { get; init; }

    public int FetchConcurrency { get; init; } = 8;

    public double FetchTimeoutSeconds { get; init; } = 15;

    public long FetchMaxBytes { get; init; } = 20L << 20;

    public int FetchRetries { get; init; } = 2;

    public int FetchRetryBaseMs { get; init; } = 500;

    public string FetchUserAgent { get; init; } = "DataForge/0.1 (+interleave)";

    public IEnumerable<string> Validate()
    {
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
