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

    public IEnumerable<string> Validate()
    {
        if (MaxPixels < 1 || MaxFileBytes < 1)
        {
            yield return "max_pixels and max_file_bytes must be positive";
        }
    }
}
