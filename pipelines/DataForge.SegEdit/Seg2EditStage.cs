using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Core.Text;
using DataForge.SegEdit.Sources;

namespace DataForge.SegEdit;

/// <summary>
/// Segmentation datasets in, edit triples out ("generative segmentation as editing"): COCO instances, COCO panoptic
/// or mask folders; every object named uniquely becomes paint / remove / highlight triples in English and Chinese.
/// Images are processed in parallel and written in dataset order; bad annotations are rejects with reasons.
/// </summary>
public sealed class Seg2EditStage(Seg2EditOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<Seg2EditOptions>("seg2edit", "turn segmentation datasets (COCO, panoptic, mask folders) into image-editing triples", options => new Seg2EditStage(options),
            [.. Seg2EditRejectReasons.All, CoreRejectReasons.InputUnsupportedFormat, .. CoreRejectReasons.ImageProbe]);

    /// <summary>Every reject also counts in stage_stats as rejects.&lt;reason&gt;.</summary>
    protected override StageRun NewRun(StageContext context) => new(context) { CountRejectsInStats = true };

    protected override async IAsyncEnumerable<StageOutcome> ReadAsync(StageRun run)
    {
        var context = run.Context;
        var rules = new ObjectRules(options.MinArea, options.IncludeCrowd);
        var storage = new StorageFactory(context.Environment, context.BaseDirectory);
        _ = run.Stats; // published even when no input gives a counter, as the manifest's stage_stats always listed seg2edit
        foreach (var file in context.Inputs)
        {
            context.Counters.AddInputBytes(file.Length);
            var opened = await OpenAsync(file, storage, rules, run);
            if (opened is null)
            {
                continue;
            }

            using var disposable = opened.Value.Owner;
            var builder = new EditTripleBuilder(options, context.Media, file.Uri);
            await foreach (var outcome in run.MapOrderedAsync(opened.Value.Images.ToAsyncEnumerable(), (image, token) => new ValueTask<StageOutcome>(builder.BuildAsync(image, token))))
            {
                yield return outcome;
            }
        }
    }

    private async Task<(IEnumerable<AnnotatedImage> Images, IDisposable? Owner)?> OpenAsync(InputFile file, StorageFactory storage, ObjectRules rules, StageRun run)
    {
        var context = run.Context;
        var stats = run.Stats;
        async Task Reject(string input, string reason, string message) => await run.RejectAsync(new Rejection(input, reason, message));

        var kind = FileFormats.Of(file.Path);
        try
        {
            if (kind.Is(FileFormat.Tsv) || kind.Is(FileFormat.Csv))
            {
                var (images, labelRejects) = await MaskFolderSource.ReadAsync(file, rules, options.MaxImagePixels, context.CancellationToken);
                foreach (var reject in labelRejects)
                {
                    await Reject(reject.Input, reject.Reason, reject.Message);
                }

                return (images, null);
            }

            if (!kind.Is(FileFormat.Json))
            {
                await Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "seg2edit reads COCO .json files and mask-folder label files (.tsv, .csv)");
                return null;
            }

            if (options.Images is null)
            {
                throw new UsageException($"seg2edit: {file.Uri} is a COCO file, so the images option (--images DIR) must name its image folder");
            }

            CocoAnnotationFile coco;
            await using (var stream = new LoneSurrogateRepairStream(await file.Storage.OpenReadAsync(file.Path, context.CancellationToken)))
            {
                // A lone surrogate escape in one name is U+FFFD there, as tiktoken reads it, not a refused file.
                coco = await CocoAnnotationFile.ReadAsync(stream, Path.Combine(context.ScratchDirectory, $"seg2edit-{context.StageSlot}-annotations.spool"), context.CancellationToken);
                if (stream.Replaced > 0)
                {
                    stats.Add("lone_surrogates_replaced", stream.Replaced);
                }
            }

            foreach (var orphan in coco.Orphans)
            {
                await Reject($"{file.Uri}#annotation={orphan.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"#{orphan.Ordinal}"}", Seg2EditRejectReasons.AnnotationUnknownImage, $"image_id {orphan.ImageId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} is not in the file's images");
            }

            foreach (var duplicate in coco.DuplicateAnnotations)
            {
                await Reject($"{file.Uri}#annotation={duplicate.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}", Seg2EditRejectReasons.AnnotationDuplicateId, $"annotation id {duplicate.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is given to an earlier annotation too; the first is kept");
            }

            foreach (var duplicate in coco.DuplicateImages)
            {
                await Reject($"{file.Uri}#image={duplicate.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}", Seg2EditRejectReasons.ImageDuplicateId, $"image id {duplicate.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is given to an earlier image entry too; the first is kept");
            }

            foreach (var entry in coco.Images.Where(entry => entry.Id is null || entry.FileName is null))
            {
                await Reject($"{file.Uri}#image={entry.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}", Seg2EditRejectReasons.ImageInvalidEntry, "an image entry needs an id and a file_name");
            }

            stats.Add("images.without_annotations", coco.Images.Count(entry => entry.Id is { } id && !coco.ByImage.ContainsKey(id)));
            var imagesStorage = storage.Open(options.Images);
            if (coco.IsPanoptic)
            {
                var masksUri = options.PanopticMasks ?? DefaultPanopticFolder(file.Uri);
                return (CocoPanopticSource.Images(coco, imagesStorage, options.Images, storage.Open(masksUri), masksUri, file.Uri, rules, options.MaxImagePixels), coco);
            }

            return (CocoInstancesSource.Images(coco, imagesStorage, options.Images, file.Uri, rules), coco);
        }
        catch (InvalidDataException e)
        {
            await Reject(file.Uri, Seg2EditRejectReasons.InputInvalid, e.Message);
            return null;
        }
    }

    /// <summary>COCO's layout: annotations/panoptic_val2017.json beside annotations/panoptic_val2017/.</summary>
    private static string DefaultPanopticFolder(string annotationUri) =>
        annotationUri.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? annotationUri[..^".json".Length] : annotationUri;
}
