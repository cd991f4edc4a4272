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
public sealed class ReadImagesStage(ReadImagesOptions options) : IStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadImagesOptions>("read-images", "read a folder of images with optional sidecar captions", options => new ReadImagesStage(options),
            [CoreRejectReasons.CaptionOrphan, CoreRejectReasons.InputUnsupportedFormat, .. CoreRejectReasons.ImageProbe]);

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        await foreach (var upstream in input.WithCancellation(context.CancellationToken))
        {
            yield return upstream;
        }

        var results = context.Inputs.ToAsyncEnumerable()
            .SelectOrderedAsync((file, token) => ReadAsync(file, context, token), context.Workers, context.CancellationToken);
        await foreach (var result in results)
        {
            context.Counters.AddInputBytes(result.File.Length);
            if (result.Sample is { } sample)
            {
                context.Counters.AddSamplesRead();
                yield return sample;
            }
            else if (result.RejectReason is { } reason)
            {
                await context.Rejects.RejectAsync(result.File.Uri, reason, result.RejectMessage ?? reason, context.CancellationToken);
            }
        }
    }

    private sealed record FileResult(InputFile File, Sample? Sample, string? RejectReason, string? RejectMessage);

    private async ValueTask<FileResult> ReadAsync(InputFile file, StageContext context, CancellationToken cancellationToken)
    {
        var name = StoragePaths.FileName(file.Path);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension == options.CaptionExtension.ToLowerInvariant())
        {
            return await HasImageBesideAsync(file, cancellationToken)
                ? new FileResult(file, null, null, null)
                : new FileResult(file, null, CoreRejectReasons.CaptionOrphan, "a caption file with no image of the same name beside it");
        }

        if (!ImageExtensions.Contains(extension))
        {
            return new FileResult(file, null, CoreRejectReasons.InputUnsupportedFormat, $"read-images reads {string.Join(", ", ImageExtensions)} files and {options.CaptionExtension} captions");
        }

        byte[] bytes;
        await using (var stream = await file.Storage.OpenReadAsync(file.Path, cancellationToken))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        var probe = ImageProbe.Probe(bytes, options.MaxPixels);
        if (!probe.Ok)
        {
            return new FileResult(file, null, probe.RejectReason, probe.RejectMessage);
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
        return new FileResult(file, sample, null, null);
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
        foreach (var extension in ImageExtensions)
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
