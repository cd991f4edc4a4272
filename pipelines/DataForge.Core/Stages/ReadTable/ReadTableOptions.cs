using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadTable;

/// <summary>
/// A table of named columns, as caption datasets ship (LAION/CC3M-style <c>url, caption</c>, <c>path,caption</c> CSVs,
/// <c>{"image": …, "caption": …}</c> JSON Lines): each column is found by the name given, or else by the usual names.
/// </summary>
public sealed record ReadTableOptions : ISourceOptions
{
    /// <summary>Names tried, in order, when text_column is not given.</summary>
    public static readonly IReadOnlyList<string> TextNames = ["caption", "text", "TEXT", "sentence", "description"];

    /// <summary>Names tried, in order, when image_column is not given.</summary>
    public static readonly IReadOnlyList<string> ImageNames = ["image", "image_path", "file_name", "filename", "path", "url", "URL"];

    [Option("Tables to read (.csv, .tsv, .jsonl, .json: an array of rows or an object holding one); when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("The column holding the text (a caption, or a list of captions: one sample each); default: the first of caption, text, TEXT, sentence, description the table has.")]
    public string? TextColumn { get; init; }

    [Option("The column naming the image (a path relative to the table, or to images); default: the first of image, image_path, file_name, filename, path, url, URL the table has; none: text only.")]
    public string? ImageColumn { get; init; }

    [Option("The column holding a row's id; rows without one get an id derived from file and row.")]
    public string IdColumn { get; init; } = "id";

    [Option("The column holding a row's split (train, dev, test, …), kept on the sample.")]
    public string SplitColumn { get; init; } = "split";

    [Option("The folder image paths are relative to; default: the table's own folder.")]
    public string? Images { get; init; }

    [Option("Read images named by absolute paths or paths that climb out of their folder ('..'); off, so a table from elsewhere cannot read the machine's files.")]
    public bool AllowPathsOutside { get; init; }

    [Option("Decompression-bomb guard: images with more pixels are rejected before decoding.")]
    public long MaxPixels { get; init; } = 178_956_970;

    [Option("Image files larger than this many bytes are rejected unread (input.too_large).")]
    public long MaxFileBytes { get; init; } = StorageReads.DefaultMaxFileBytes;

    [Option("Fetch images named by http(s) URLs (LAION/CC3M-style url columns); off, such rows are table.image_url rejects.")]
    public bool Fetch { get; init; }

    [Option("Let fetches reach loopback, private and link-local addresses (tests, intranets); off, every connect and redirect is guarded against SSRF.")]
    public bool FetchAllowPrivate { get; init; }

    [Option("fetch: downloads in flight at once (rows are fetched ahead, emitted in table order).")]
    public int FetchConcurrency { get; init; } = 16;

    [Option("fetch: downloads in flight to one host at once.")]
    public int FetchPerHost { get; init; } = 4;

    [Option("fetch: seconds one download may take, headers and body (fetch.timeout).")]
    public double FetchTimeoutSeconds { get; init; } = 15;

    [Option("fetch: the largest image body accepted, in bytes (fetch.too_large).")]
    public long FetchMaxBytes { get; init; } = 20L << 20;

    [Option("fetch: retries of a download that failed or got 429/5xx (Retry-After honoured, up to a minute).")]
    public int FetchRetries { get; init; } = 2;

    [Option("fetch: the first backoff in milliseconds; it doubles each retry.")]
    public int FetchRetryBaseMs { get; init; } = 500;

    [Option("fetch: the User-Agent header sent.")]
    public string FetchUserAgent { get; init; } = "DataForge/0.1 (+read-table)";

    [Option("fetch: resize fetched images whose longer side exceeds this many pixels to it, re-encoded (0: store as fetched).")]
    public int FetchMaxSide { get; init; }

    [Option("fetch: JPEG/WebP quality of resized images.")]
    public int FetchQuality { get; init; } = 90;

    public IEnumerable<string> Validate()
    {
        if (MaxPixels < 1 || MaxFileBytes < 1)
        {
            yield return "max_pixels and max_file_bytes must be positive";
        }

        if (FetchConcurrency < 1 || FetchPerHost < 1 || FetchTimeoutSeconds <= 0 || FetchMaxBytes < 1 || FetchRetries < 0 || FetchRetryBaseMs < 0 || FetchMaxSide < 0 || FetchQuality is < 1 or > 100)
        {
            yield return "fetch_concurrency, fetch_per_host, fetch_timeout_seconds and fetch_max_bytes must be positive, fetch_retries, fetch_retry_base_ms and fetch_max_side not negative, fetch_quality 1 to 100";
        }
    }
}
