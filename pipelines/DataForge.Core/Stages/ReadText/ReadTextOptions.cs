using DataForge.Core.Pipeline;

namespace DataForge.Core.Stages.ReadText;

/// <summary>
/// Text records in the Hugging Face convention: JSONL (optionally .gz) or Parquet with a text column; plain
/// .txt/.md files are one document each.
/// </summary>
public sealed record ReadTextOptions : ISourceOptions
{
    /// <summary>Files or folders to read; when absent, the pipeline's top-level inputs.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    public string TextField { get; init; } = "text";

    /// <summary>The field holding a record's id; records without one get an id derived from file and line.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>The role of the text part: <c>target</c> (pretraining text carries the loss) by default.</summary>
    public string Role { get; init; } = "target";

    /// <summary>Lines (records) longer than this many bytes are rejected (record.too_large) without being held in memory.</summary>
    public int MaxRecordBytes { get; init; } = 32 << 20;

    public IEnumerable<string> Validate()
    {
        if (MaxRecordBytes < 1)
        {
            yield return "max_record_bytes must be at least 1";
        }

        if (string.IsNullOrWhiteSpace(TextField))
        {
            yield return "text_field must not be empty";
        }

        if (Role is not ("context" or "content" or "instruction" or "target"))
        {
            yield return $"role must be context, content, instruction or target, not '{Role}'";
        }
    }
}
