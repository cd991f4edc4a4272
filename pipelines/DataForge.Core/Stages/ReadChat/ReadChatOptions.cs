using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadChat;

/// <summary>Conversations as instruction datasets ship them: LLaVA and ShareGPT JSON, OpenAI-messages JSON Lines.</summary>
public sealed record ReadChatOptions : ISourceOptions
{
    [Option("Conversation files to read (.json: an array of records, or an object holding one; .jsonl; each optionally .gz or .zst); when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("The folder media paths are relative to; default: the conversation file's own folder.")]
    public string? Images { get; init; }

    [Option("The field holding a conversation's id; records without one get an id derived from file and record.")]
    public string IdField { get; init; } = "id";

    [Option("The field holding a conversation's split (train, dev, test, …), kept on the sample.")]
    public string SplitField { get; init; } = "split";

    [Option("Read media named by absolute paths or paths that climb out of their folder ('..'); off, so a file from elsewhere cannot read the machine's files.")]
    public bool AllowPathsOutside { get; init; }

    [Option("Decompression-bomb guard: images with more pixels are rejected before decoding.")]
    public long MaxPixels { get; init; } = 178_956_970;

    [Option("Media files larger than this many bytes are rejected unread (input.too_large); also the cap on a .json file read whole.")]
    public long MaxFileBytes { get; init; } = StorageReads.DefaultMaxFileBytes;

    public IEnumerable<string> Validate()
    {
        if (MaxPixels < 1 || MaxFileBytes < 1)
        {
            yield return "max_pixels and max_file_bytes must be positive";
        }
    }
}
