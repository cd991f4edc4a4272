using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadSamples;

/// <summary>
/// Source of samples from existing sample sets: the part files of each set, in order. The set's own bookkeeping
/// (manifest, media, rejects, task reports) is not input and is skipped.
/// </summary>
public sealed class ReadSamplesStage(ReadSamplesOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadSamplesOptions>("read-samples", "read the samples of existing sample sets", options => new ReadSamplesStage(options),
            [CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.MediaMissing, CoreRejectReasons.MediaCorrupt, CoreRejectReasons.MediaSizeMismatch]);

    protected override async IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run)
    {
        var context = run.Context;
        var name = StoragePaths.FileName(file.Path);
        if (!SampleSetFiles.IsPartFile(name))
        {
            if (!IsBookkeeping(file.Path))
            {
                yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "read-samples reads the part-*.parquet files of sample sets");
            }

            yield break;
        }

        var folder = StoragePaths.Directory(file.Path);
        var set = folder.Length == 0 ? file.Storage : file.Storage.At(folder);
        if (!options.AllowIncomplete && !await set.ExistsAsync(SampleSetFiles.Success, context.CancellationToken))
        {
            throw new DataForgeException($"{set.Uri} is an incomplete sample set (no {SampleSetFiles.Success}); finish its run or set allow_incomplete");
        }

        var media = new MediaStore(set);
        await foreach (var sample in SampleSetReader.ReadFileAsync(set, name, context.CancellationToken))
        {
            yield return (options.CopyMedia ? await CopyMediaAsync(sample, media, context) : null)
                ?? await CheckImageSizesAsync(sample, media, context.CancellationToken)
                ?? StageOutcome.Of(sample);
        }
    }

    /// <summary>
    /// An image part's width and height decide its tokens (pack's Qwen2-VL grid), and a sample set from elsewhere may
    /// declare sizes its images do not have: each is checked against the stored image's own header (read from its
    /// first 256 KiB, where JPEG, PNG, WebP, GIF and BMP keep it).
    /// </summary>
    private static async Task<StageOutcome?> CheckImageSizesAsync(Sample sample, MediaStore media, CancellationToken cancellationToken)
    {
        foreach (var image in sample.Parts.OfType<ImagePart>())
        {
            if (!await media.ContainsAsync(image.Media, cancellationToken))
            {
                return StageOutcome.Reject(sample.Id, CoreRejectReasons.MediaMissing, $"{MediaStore.PathOf(image.Media)} is not in the input sample set");
            }

            await using var stream = await media.OpenAsync(image.Media, cancellationToken);
            var head = new byte[256 << 10];
            var length = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            if (ImageHeader.Size(head.AsSpan(0, length)) is not { } size || size != (image.Width, image.Height))
            {
                return StageOutcome.Reject(sample.Id, CoreRejectReasons.MediaSizeMismatch, $"{MediaStore.PathOf(image.Media)} declares {image.Width}x{image.Height} but the image is {(ImageHeader.Size(head.AsSpan(0, length)) is { } actual ? $"{actual.Width}x{actual.Height}" : "unreadable")}");
            }
        }

        return null;
    }

    /// <summary>Copies the sample's media into the output's store; null, or the reject when the input set lacks one.</summary>
    private static async Task<StageOutcome?> CopyMediaAsync(Sample sample, MediaStore source, StageContext context)
    {
        foreach (var reference in sample.Parts.OfType<MediaPart>().Select(part => part.Media))
        {
            if (await context.Media.ContainsAsync(reference, context.CancellationToken))
            {
                continue;
            }

            if (!await source.ContainsAsync(reference, context.CancellationToken))
            {
                return StageOutcome.Reject(sample.Id, CoreRejectReasons.MediaMissing, $"{MediaStore.PathOf(reference)} is not in the input sample set");
            }

            await using var bytes = await source.OpenAsync(reference, context.CancellationToken);
            using var buffer = new MemoryStream();
            await bytes.CopyToAsync(buffer, context.CancellationToken);
            var stored = await context.Media.PutAsync(buffer.ToArray(), reference.Mime, context.CancellationToken);
            if (stored.Sha256 != reference.Sha256)
            {
                return StageOutcome.Reject(sample.Id, CoreRejectReasons.MediaCorrupt, $"{MediaStore.PathOf(reference)} does not hash to its name");
            }
        }

        return null;
    }

    private static bool IsBookkeeping(string path)
    {
        var name = StoragePaths.FileName(path);
        return name.StartsWith('_') || name.StartsWith('.') || name == "index.json"
            || path.StartsWith(Media.MediaStore.Folder + "/", StringComparison.Ordinal) || path.Contains("/" + Media.MediaStore.Folder + "/", StringComparison.Ordinal)
            || path.Split('/').Any(segment => segment is SampleSetFiles.RejectsFolder or SampleSetFiles.TasksFolder || segment.StartsWith("shard-", StringComparison.Ordinal));
    }
}
