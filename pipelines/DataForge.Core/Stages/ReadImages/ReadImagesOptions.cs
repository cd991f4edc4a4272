using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadImages;

/// <summary>A folder of images, each with an optional caption in a sidecar file of the same stem.</summary>
public sealed record ReadImagesOptions : ISourceOptions
{
    [Option("Files or folders to read; when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("The extension of sidecar caption files beside each image (same stem).")]
    public string CaptionExtension { get; init; } = ".txt";

    [Option("Decompression-bomb guard: images with more pixels are rejected before decoding (PIL's default limit).")]
    public long MaxPixels { get; init; } = 178_956_970;

    [Option("Image files larger than this many bytes are rejected unread (input.too_large): each is held in memory whole.")]
    public long MaxFileBytes { get; init; } = StorageReads.DefaultMaxFileBytes;

    public IEnumerable<string> Validate()
    {
        if (MaxFileBytes < 1)
        {
            yield return "max_file_bytes must be positive";
        }

        if (!CaptionExtension.StartsWith('.'))
        {
            yield return "caption_extension must start with '.'";
        }

        if (MaxPixels < 1)
        {
            yield return "max_pixels must be positive";
        }
    }
}
