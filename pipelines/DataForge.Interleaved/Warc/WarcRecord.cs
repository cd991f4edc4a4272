namespace DataForge.Interleaved.Warc;

/// <summary>
/// One WARC record (WARC/1.0 and 1.1, ISO 28500): the named fields of its header and its content block.
/// Field names are case-insensitive (WARC/1.1 §4); a repeated field keeps its first value here.
/// </summary>
public sealed record WarcRecord(string Version, IReadOnlyDictionary<string, string> Fields, byte[] Block, long Offset)
{
    public string Type => Field("WARC-Type") ?? string.Empty;

    public string? TargetUri => Field("WARC-Target-URI")?.Trim('<', '>');

    public string? ContentType => Field("Content-Type");

    public string? RecordId => Field("WARC-Record-ID");

    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    /// <summary>A response record that holds an HTTP response (not a DNS or other non-HTTP one).</summary>
    public bool IsHttpResponse =>
        Type == "response" && (ContentType?.StartsWith("application/http", StringComparison.OrdinalIgnoreCase) ?? false);
}

/// <summary>What reading one record gave: the record, or why the archive could not be read there.</summary>
public sealed record WarcReadResult(WarcRecord? Record, string? ErrorReason, string? ErrorMessage, long Offset);
