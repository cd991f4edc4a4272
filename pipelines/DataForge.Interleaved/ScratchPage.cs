using System.Text.Json.Serialization;
using DataForge.Interleaved.Html;

namespace DataForge.Interleaved;

/// <summary>An extracted page waiting in the task's scratch file until every image of the task is known.</summary>
/// <param name="Source">Where the page came from: the WARC file and the record's offset, or the HTML file.</param>
internal sealed record ScratchPage(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("record_id")] string? RecordId,
    [property: JsonPropertyName("page")] ExtractedPage Page);
