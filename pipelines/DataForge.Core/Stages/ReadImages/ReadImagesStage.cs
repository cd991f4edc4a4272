using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadImages;

/// <summary>
/// Source of image samples: <c>[Image(content)]</c>, or <c>[Image(content), Text(target)]</c> when a sidecar caption
/// exists. Images are decoded in parallel (in input order) and stored in the media store; undecodable files are
/// rejected with the reason, and captions without an image are reported too.
/// </summary>
public sealed class ReadImagesStage(ReadImagesOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadImagesOptions>("read-images", "read a folder of images with optional sidecar captions", options => new ReadImagesStage(options),
            [CoreRejectReasons.CaptionOrphan, CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.InputTooLarge, .. CoreRejectReasons.ImageProbe]);

    /// <summary>Files are decoded in parallel, outcomes in input order.</summary>
    protected override IAsyncEnumerable<StageOutcome> ReadAsync(StageRun run) =>
        run.MapOrderedAsync(run.Context.Inputs.ToAsyncEnumerable(), async (file, token) =>
        {
            var outcome = await ReadAsync(file, run.Context, token);
            run.Context.Counters.AddInputBytes(file.Length);
            return outcome;
        });

    private async ValueTask<StageOutcome> ReadAsync(InputFile file, StageContext context, CancellationToken cancellationToken)
    {
        var name = StoragePaths.FileName(file.Path);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension == options.CaptionExtension.ToLowerInvariant())
        {
            return await HasImageBesideAsync(file, cancellationToken)
                ? StageOutcome.Nothing
                : StageOutcome.Reject(file.Uri, CoreRejectReasons.CaptionOrphan, "a caption file with no image of the same name beside it");
        }

        if (FileFormats.Of(name).Format != FileFormat.Image)
        {
            return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, $"read-images reads {string.Join(", ", FileFormats.ImageExtensions)} files and {options.CaptionExtension} captions");
        }

        byte[] bytes;
        try
        {
            bytes = await file.Storage.ReadAllBytesAsync(file.Path, options.MaxFileBytes, cancellationToken);
        }
        catch (InputTooLargeException e)
        {
            return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputTooLarge, $"{e.Message} (max_file_bytes)");
        }

        var probe = ImageProbe.Probe(bytes, options.MaxPixels);
        if (!probe.Ok)
        {
            return StageOutcome.Reject(file.Uri, probe.RejectReason!, probe.RejectMessage ?? probe.RejectReason!);
        }

        var media = await context.Media.PutAsync(bytes, probe.Mime!, cancellationToken);
        var parts = ImmutableArray.CreateBuilder<Part>();
        parts.Add(new ImagePart(media, probe.Width, probe.Height, Role.Content));
        var meta = new JsonObject { ["file_name"] = name };
        if (await ReadCaptionAsync(file, cancellationToken) is { } caption)
        {
            parts.Add(new TextPart(caption, Role.Target));
            meta["caption_kind"] = "sidecar";
        }

        var sample = new Sample(SampleIds.FromSource(file.Uri), file.Uri, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact));
        return StageOutcome.Of(sample);
    }

    private async Task<string?> ReadCaptionAsync(InputFile image, CancellationToken cancellationToken)
    {
        var captionPath = Path.ChangeExtension(image.Path, options.CaptionExtension);
        if (!await image.Storage.ExistsAsync(captionPath, cancellationToken))
        {
            return null;
        }

        await using var stream = await image.Storage.OpenReadAsync(captionPath, cancellationToken);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        var caption = (await reader.ReadToEndAsync(cancellationToken)).Trim();
        return caption.Length == 0 ? null : caption;
    }

    private static async Task<bool> HasImageBesideAsync(InputFile caption, CancellationToken cancellationToken)
    {
        foreach (var extension in FileFormats.ImageExtensions)
        {
            foreach (var candidate in new[] { extension, extension.ToUpperInvariant() })
            {
                if (await caption.Storage.ExistsAsync(Path.ChangeExtension(caption.Path, candidate), cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
