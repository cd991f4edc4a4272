using System.Text.Json.Serialization;

namespace DataForge.Core.Rejects;

/// <summary>
/// One line of <c>rejects/*.jsonl</c>: which stage refused which input, a stable reason code
/// (e.g. <c>image.corrupt</c>) and a message for a person.
/// </summary>
public sealed record Reject(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message);
