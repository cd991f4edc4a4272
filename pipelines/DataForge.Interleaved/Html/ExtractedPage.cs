using System.Text.Json.Serialization;

namespace DataForge.Interleaved.Html;

/// <summary>A page reduced to its content, in reading order: text blocks and image references, not yet resolved.</summary>
/// <param name="Removed">Boilerplate dropped (elements by tag name) and images without a usable URL, counted.</param>
public sealed record ExtractedPage(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("items")] IReadOnlyList<PageItem> Items,
    [property: JsonPropertyName("removed")] IReadOnlyDictionary<string, int>? Removed = null);

/// <summary>A text block run (<see cref="Text"/>), an image (<see cref="ImageUrl"/>) or a video (<see cref="VideoUrl"/>), exactly one of them set.</summary>
public sealed record PageItem(
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("image_url")] string? ImageUrl = null,
    [property: JsonPropertyName("alt")] string? Alt = null,
    [property: JsonPropertyName("caption")] string? Caption = null,
    [property: JsonPropertyName("video_url")] string? VideoUrl = null);
