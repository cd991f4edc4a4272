using System.Globalization;
using System.Text.Json;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Instructions;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Sources;

/// <summary>
/// The images of a COCO panoptic file: each annotation names a PNG whose pixel colours encode segment ids
/// (id = R + 256·G + 256²·B) and lists the segments; every listed segment becomes an object, things and stuff.
/// </summary>
public static class CocoPanopticSource
{
    public static IEnumerable<AnnotatedImage> Images(
        CocoAnnotationFile file, IStorage images, string imagesUri, IStorage masks, string masksUri, string inputUri, ObjectRules rules, long maxPixels)
    {
        foreach (var entry in file.Images)
        {
            if (entry.Id is not { } id || !file.ByImage.TryGetValue(id, out var annotations) || entry.FileName is null)
            {
                continue;
            }

            var image = new SourceImage(id.ToString(CultureInfo.InvariantCulture), entry.FileName, images, entry.FileName, StoragePaths.Join(imagesUri, entry.FileName), entry.Width, entry.Height);
            yield return new AnnotatedImage(
                image,
                "coco_panoptic",
                (width, height, cancellationToken) => LoadAsync(file, annotations, masks, masksUri, width, height, inputUri, rules, maxPixels, cancellationToken));
        }
    }

    private static async Task<ImageObjects> LoadAsync(
        CocoAnnotationFile file, List<SpooledAnnotation> annotations, IStorage masks, string masksUri, int width, int height, string inputUri, ObjectRules rules, long maxPixels, CancellationToken cancellationToken)
    {
        var objects = new List<SegmentedObject>();
        var rejects = new List<Rejection>();
        foreach (var spooled in annotations)
        {
            using var document = file.Read(spooled);
            var annotation = document.RootElement;
            var imageInput = $"{inputUri}#image={spooled.ImageId}";
            if (!annotation.TryGetProperty("file_name", out var fileName) || fileName.ValueKind != JsonValueKind.String
                || !annotation.TryGetProperty("segments_info", out var segments) || segments.ValueKind != JsonValueKind.Array)
            {
                rejects.Add(new Rejection(imageInput, Seg2EditRejectReasons.AnnotationInvalid, "a panoptic annotation needs file_name and a segments_info list"));
                continue;
            }

            var ids = await ReadSegmentIdsAsync(masks, fileName.GetString()!, width, height, maxPixels, cancellationToken);
            if (ids.Reason is not null)
            {
                rejects.Add(new Rejection($"{StoragePaths.Join(masksUri, fileName.GetString()!)}", ids.Reason, ids.Message!));
                continue;
            }

            foreach (var segment in segments.EnumerateArray())
            {
                var segmentId = segment.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt32(out var parsed) ? parsed : (int?)null;
                var rejectInput = $"{inputUri}#image={spooled.ImageId}&segment={segmentId?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
                if (segmentId is null || !segment.TryGetProperty("category_id", out var categoryId) || categoryId.ValueKind != JsonValueKind.Number || !categoryId.TryGetInt64(out var category))
                {
                    rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.AnnotationInvalid, "a segment needs an integer id and category_id"));
                    continue;
                }

                if (!file.Categories.TryGetValue(category, out var categoryEntry))
                {
                    rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.CategoryUnknown, $"category_id {category} is not in the file's categories"));
                    continue;
                }

                var mask = new BinaryMask(width, height);
                for (var i = 0; i < ids.Ids!.Length; i++)
                {
                    if (ids.Ids[i] == segmentId)
                    {
                        mask.Pixels[i] = 1;
                    }
                }

                var isCrowd = segment.TryGetProperty("iscrowd", out var crowd) && crowd.ValueKind == JsonValueKind.Number && crowd.TryGetInt32(out var crowdFlag) && crowdFlag == 1;
                var annotationId = $"{spooled.ImageId}/{segmentId}";
                rules.Add(objects, rejects, annotationId, rejectInput, CategoryNames.Readable(categoryEntry.Name!), isCrowd, mask);
            }
        }

        return new ImageObjects(objects, rejects);
    }

    private static async Task<(int[]? Ids, string? Reason, string? Message)> ReadSegmentIdsAsync(
        IStorage masks, string fileName, int width, int height, long maxPixels, CancellationToken cancellationToken)
    {
        if (!StoragePaths.IsSafeRelative(fileName))
        {
            return (null, Seg2EditRejectReasons.MaskPathOutside, $"the segment PNG name '{fileName}' is absolute or leaves the masks folder");
        }

        if (!await masks.ExistsAsync(fileName, cancellationToken))
        {
            return (null, Seg2EditRejectReasons.MaskMissing, $"the segment PNG {fileName} does not exist");
        }

        var (png, _, reason, message) = RgbaImage.Decode(await masks.ReadAllBytesAsync(fileName, cancellationToken), maxPixels);
        if (png is null)
        {
            return (null, reason!.Replace("image.", "mask.", StringComparison.Ordinal), message);
        }

        if (png.Width != width || png.Height != height)
        {
            return (null, Seg2EditRejectReasons.MaskSizeMismatch, $"the segment PNG is {png.Width}x{png.Height}, the image {width}x{height}");
        }

        var ids = new int[width * height];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = png.Pixels[i * 4] + (256 * png.Pixels[(i * 4) + 1]) + (65536 * png.Pixels[(i * 4) + 2]);
        }

        return (ids, null, null);
    }
}
