using System.Globalization;
using System.Text.Json;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.SegEdit.Instructions;

namespace DataForge.SegEdit.Sources;

/// <summary>The images of a COCO instances file, each with a loader for its annotations' masks.</summary>
public static class CocoInstancesSource
{
    public static IEnumerable<AnnotatedImage> Images(CocoAnnotationFile file, IStorage images, string imagesUri, string inputUri, ObjectRules rules)
    {
        foreach (var entry in file.Images)
        {
            if (entry.Id is not { } id || !file.ByImage.TryGetValue(id, out var annotations) || entry.FileName is null)
            {
                continue;
            }

            var image = new SourceImage(id.ToString(CultureInfo.InvariantCulture), entry.FileName, images, entry.FileName, StoragePaths.Join(imagesUri, entry.FileName), entry.Width, entry.Height);
            yield return new AnnotatedImage(image, "coco", (width, height, _) => Task.FromResult(Load(file, annotations, width, height, inputUri, rules)));
        }
    }

    private static ImageObjects Load(CocoAnnotationFile file, List<SpooledAnnotation> annotations, int width, int height, string inputUri, ObjectRules rules)
    {
        var objects = new List<SegmentedObject>();
        var rejects = new List<Rejection>();
        foreach (var spooled in annotations)
        {
            var annotationId = spooled.Id?.ToString(CultureInfo.InvariantCulture) ?? $"#{spooled.Ordinal}";
            var rejectInput = $"{inputUri}#annotation={annotationId}";
            using var document = file.Read(spooled);
            var annotation = document.RootElement;
            if (!annotation.TryGetProperty("category_id", out var categoryId) || categoryId.ValueKind != JsonValueKind.Number || !categoryId.TryGetInt64(out var category))
            {
                rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.AnnotationInvalid, "the annotation has no integer category_id"));
                continue;
            }

            if (!file.Categories.TryGetValue(category, out var categoryEntry))
            {
                rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.CategoryUnknown, $"category_id {category} is not in the file's categories"));
                continue;
            }

            if (!annotation.TryGetProperty("segmentation", out var segmentation))
            {
                rejects.Add(new Rejection(rejectInput, Seg2EditRejectReasons.AnnotationInvalid, "the annotation has no segmentation"));
                continue;
            }

            var (mask, reason, message) = CocoSegmentation.Decode(segmentation, height, width);
            if (mask is null)
            {
                rejects.Add(new Rejection(rejectInput, reason!, message!));
                continue;
            }

            var isCrowd = annotation.TryGetProperty("iscrowd", out var crowd) && crowd.ValueKind == JsonValueKind.Number && crowd.TryGetInt32(out var crowdFlag) && crowdFlag == 1;
            rules.Add(objects, rejects, annotationId, rejectInput, CategoryNames.Readable(categoryEntry.Name!), isCrowd, mask);
        }

        return new ImageObjects(objects, rejects);
    }
}
