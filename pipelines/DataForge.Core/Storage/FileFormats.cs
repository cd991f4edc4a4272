namespace DataForge.Core.Storage;

/// <summary>What a file holds, as its name says (DataForge reads by name: inputs are files people named).</summary>
public enum FileFormat
{
    Unknown,
    Jsonl,
    Json,
    Parquet,
    Text,
    Markdown,
    Csv,
    Tsv,
    Warc,
    Html,
    Image,
    Audio,
    Subtitles,
    Tar,
}

/// <summary>The compression wrapped around a file's format, from its last extension.</summary>
public enum FileCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>A file's format and compression: <c>web.jsonl.gz</c> is (Jsonl, Gzip).</summary>
public sealed record FileKind(FileFormat Format, FileCompression Compression)
{
    public bool Is(FileFormat format, FileCompression compression = FileCompression.None) => Format == format && Compression == compression;
}

/// <summary>
/// The one place file names become formats, case-insensitively, so that every stage agrees on what a name means
/// (<c>.ndjson</c> is JSON Lines, <c>.htm</c> is HTML, <c>.jpeg</c> is an image); each stage decides which kinds it reads.
/// </summary>
public static class FileFormats
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    public static readonly IReadOnlyList<string> AudioExtensions = [".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac", ".wma", ".webm", ".mp4", ".mkv", ".mov"];

    /// <summary>The containers read-video takes by name (ffmpeg reads more; these are the ones stored with a video type).</summary>
    public static readonly IReadOnlyList<string> VideoExtensions = [".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".ts", ".ogv", ".flv", ".3gp"];

    public static FileKind Of(string path)
    {
        var name = StoragePaths.FileName(path.Replace('\\', '/')).ToLowerInvariant();
        var compression = FileCompression.None;
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            (compression, name) = (FileCompression.Gzip, name[..^3]);
        }
        else if (name.EndsWith(".tgz", StringComparison.Ordinal))
        {
            (compression, name) = (FileCompression.Gzip, name[..^4] + ".tar");
        }
        else if (name.EndsWith(".zst", StringComparison.Ordinal))
        {
            (compression, name) = (FileCompression.Zstd, name[..^4]);
        }

        var extension = Path.GetExtension(name);
        var format = extension switch
        {
            ".jsonl" or ".ndjson" => FileFormat.Jsonl,
            ".json" => FileFormat.Json,
            ".parquet" => FileFormat.Parquet,
            ".txt" => FileFormat.Text,
            ".md" => FileFormat.Markdown,
            ".csv" => FileFormat.Csv,
            ".tsv" => FileFormat.Tsv,
            ".warc" => FileFormat.Warc,
            ".html" or ".htm" => FileFormat.Html,
            ".srt" or ".vtt" => FileFormat.Subtitles,
            ".tar" => FileFormat.Tar,
            _ when ImageExtensions.Contains(extension) => FileFormat.Image,
            _ when AudioExtensions.Contains(extension) => FileFormat.Audio,
            _ => FileFormat.Unknown,
        };
        return new FileKind(format, compression);
    }
}
