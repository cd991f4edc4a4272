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
            [CoreRejectReasons.InputUnsupportedFormat, CoreRejectReasons.MediaMissing, CoreRejectReasons.MediaCorrupt]);

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
            yield return options.CopyMedia && await CopyMediaAsync(sample, media, context) is { } missing ? missing : StageOutcome.Of(sample);
        }
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
