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
    };

    public static string Extension(string mime) =>
        ExtensionByMime.TryGetValue(mime, out var extension) ? extension : "bin";

    /// <summary>The media type of a store object's extension, or null for one DataForge does not store.</summary>
    public static string? OfExtension(string extension) =>
        ExtensionByMime.FirstOrDefault(pair => string.Equals(pair.Value, extension, StringComparison.OrdinalIgnoreCase)).Key;
}
