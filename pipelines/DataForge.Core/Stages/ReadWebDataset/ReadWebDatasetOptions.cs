using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadWebDataset;

/// <summary>WebDataset shards: tar files of samples whose members share a key (img2dataset's output, Energon's input).</summary>
public sealed record ReadWebDatasetOptions : ISourceOptions
{
    [Option("Shards to read (.tar, .tar.gz; brace lists such as shard-{00000..00099}.tar; local or az://); when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("Decompression-bomb guard: images with more pixels are rejected before decoding.")]
    public long MaxPixels { get; init; } = 178_956_970;

    [Option("Members larger than this many bytes are rejected unread (input.too_large).")]
    public long MaxFileBytes { get; init; } = StorageReads.DefaultMaxFileBytes;

    public IEnumerable<string> Validate()
    {
        if (MaxPixels < 1 || MaxFileBytes < 1)
        {
            yield return "max_pixels and max_file_bytes must be positive";
        }
    }
}
