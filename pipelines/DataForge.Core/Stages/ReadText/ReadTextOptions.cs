using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadText;

/// <summary>
/// Text records in the Hugging Face convention: JSONL (optionally .gz) or Parquet with a text column; plain
/// .txt/.md files are one document each.
/// </summary>
public sealed record ReadTextOptions : ISourceOptions
{
    [Option("Files or folders to read; when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("The field (JSONL) or column (Parquet) holding a record's text.")]
    public string TextField { get; init; } = "text";

    [Option("The field holding a record's id; records without one get an id derived from file and line.")]
    public string IdField { get; init; } = "id";

    [Option("The role of the text part: target (pretraining text carries the loss) by default.")]
    public string Role { get; init; } = "target";

    [Option("Lines (records) longer than this many bytes are rejected (record.too_large) without being held in memory.")]
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
