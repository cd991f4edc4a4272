namespace DataForge.Core.Media;

/// <summary>The media types DataForge stores, and the file extensions their objects get in the media store.</summary>
public static class MimeTypes
{
    private static readonly Dictionary<string, string> ExtensionByMime = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["image/webp"] = "webp",
        ["image/gif"] = "gif",
        ["image/bmp"] = "bmp",
        ["audio/wav"] = "wav",
        ["audio/flac"] = "flac",
        ["audio/mpeg"] = "mp3",
        ["audio/ogg"] = "ogg",
        ["video/mp4"] = "mp4",
        ["video/webm"] = "webm",
        ["video/x-matroska"] = "mkv",
        ["video/quicktime"] = "mov",
        ["video/x-msvideo"] = "avi",
        ["video/mpeg"] = "mpg",
        ["video/mp2t"] = "ts",
        ["video/ogg"] = "ogv",
        ["video/x-flv"] = "flv",
        ["video/3gpp"] = "3gp",
    };

    /// <summary>The media type read-video stores a source video of this extension as (<c>.m4v</c> is MP4), or null.</summary>
    public static string? OfVideoExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".m4v" => "video/mp4",
        ".mpeg" => "video/mpeg",
        var other when other.Length > 1 && OfExtension(other[1..]) is { } mime && mime.StartsWith("video/", StringComparison.Ordinal) => mime,
        _ => null,
    };

    public static string Extension(string mime) =>
        ExtensionByMime.TryGetValue(mime, out var extension) ? extension : "bin";

    /// <summary>The media type of a store object's extension, or null for one DataForge does not store.</summary>
    public static string? OfExtension(string extension) =>
        ExtensionByMime.FirstOrDefault(pair => string.Equals(pair.Value, extension, StringComparison.OrdinalIgnoreCase)).Key;
}
