using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Instructions;
using DataForge.SegEdit.Masks;
using DataForge.SegEdit.Sources;
using SkiaSharp;

namespace DataForge.SegEdit;

/// <summary>
/// Turns one annotated image into edit triples <c>[Image(content), Text(instruction), Image(target)]</c>: decodes the
/// image, loads its objects, names each uniquely, makes every requested edit once, and writes one triple per
/// language. Runs on a worker; everything it decides is seeded by annotation id, so the result does not depend on
/// which worker ran it.
/// </summary>
public sealed class EditTripleBuilder(Seg2EditOptions options, MediaStore media, string inputUri)
{
    private readonly SeededChoice _choice = new(options.Seed);
    private readonly CategoryNames _names = new(options.CategoryNamesZh);

    public async Task<StageOutcome> BuildAsync(AnnotatedImage annotated, CancellationToken cancellationToken)
    {
        var image = annotated.Image;
        var counters = new List<string> { "images.read" };
        if (!StoragePaths.IsSafeRelative(image.Path))
        {
            return Failed(image, Seg2EditRejectReasons.ImagePathOutside, $"the image name '{image.FileName}' is absolute or leaves the images folder");
        }

        if (!await image.Storage.ExistsAsync(image.Path, cancellationToken))
        {
            return Failed(image, Seg2EditRejectReasons.ImageMissing, $"the image {image.FileName} does not exist");
        }

        var bytes = await image.Storage.ReadAllBytesAsync(image.Path, cancellationToken);

        var (pixels, format, reason, message) = RgbaImage.Decode(bytes, options.MaxImagePixels);
        if (pixels is null)
        {
            return Failed(image, reason!, message!);
        }

        if ((image.DeclaredWidth is { } declaredWidth && declaredWidth != pixels.Width) || (image.DeclaredHeight is { } declaredHeight && declaredHeight != pixels.Height))
        {
            return Failed(image, Seg2EditRejectReasons.ImageSizeMismatch, $"the annotations are for {image.DeclaredWidth}x{image.DeclaredHeight}, the image is {pixels.Width}x{pixels.Height}");
        }

        var loaded = await annotated.LoadObjectsAsync(pixels.Width, pixels.Height, cancellationToken);
        var rejects = new List<Rejection>(loaded.Rejects);
        var samples = new List<Sample>();
        var geometry = loaded.Objects.Select(ReferringExpressions.Geometry.Of).ToList();
        var referring = new ReferringExpressions(_names, _choice);
        var editable = geometry.Where(entry => entry.Object.Editable).ToList();
        counters.AddRange(Enumerable.Repeat("objects.decoded", loaded.Objects.Count));
        if (editable.Count == 0)
        {
            return Outcome(samples, rejects, counters);
        }

        var (sourceRef, reencoded) = await StoreSourceAsync(bytes, pixels, format, cancellationToken);
        foreach (var entry in editable)
        {
            var segmented = entry.Object;
            var name = referring.Resolve(entry, geometry);
            if (name is null)
            {
                rejects.Add(new Rejection(segmented.RejectInput, Seg2EditRejectReasons.ReferAmbiguous, $"{geometry.Count(other => other.Object.Category == segmented.Category)} objects are {segmented.Category}s and no position or size singles this one out"));
                continue;
            }

            var mask = segmented.Mask; // decoded once per object, dropped after its edits
            var maskRef = await media.PutAsync(MaskImages.ToPng(mask), "image/png", cancellationToken);
            var current = MaskStatistics.MeanColour(pixels, mask);
            foreach (var op in options.Ops)
            {
                var edit = Edit(op, pixels, segmented, mask, current);
                if (edit.Target is null)
                {
                    rejects.Add(new Rejection(segmented.RejectInput, edit.Reason!, edit.Message!));
                    continue;
                }

                var change = EditVisibility.Measure(pixels, edit.Target, mask);
                if (!EditVisibility.IsVisible(change))
                {
                    rejects.Add(new Rejection(segmented.RejectInput, Seg2EditRejectReasons.EditNoVisibleChange, string.Create(
                        CultureInfo.InvariantCulture,
                        $"{op} changed {change.ChangedShare:P0} of the object visibly (mean Oklab ΔE {change.MeanDelta:0.000}); an instruction whose target looks like its source teaches nothing")));
                    continue;
                }

                var targetMime = options.TargetFormat == "webp" ? "image/webp" : "image/png";
                var targetRef = await media.PutAsync(edit.Target.EncodeLossless(options.TargetFormat == "webp"), targetMime, cancellationToken);
                foreach (var language in options.Languages)
                {
                    var phrase = language == "zh" ? name.Chinese : name.English;
                    if (phrase is null)
                    {
                        counters.Add("instructions.zh_category_unnamed");
                        continue;
                    }

                    var colourName = edit.Colour is null ? null : language == "zh" ? edit.Colour.Chinese : edit.Colour.English;
                    var (instruction, template) = InstructionTemplates.Render(op, language, phrase, colourName, _choice, segmented.AnnotationId);
                    var source = $"{inputUri}#annotation={segmented.AnnotationId}&op={op}&lang={language}";
                    var meta = Meta(annotated, segmented, op, language, edit, name, template, maskRef, reencoded);
                    samples.Add(new Sample(
                        SampleIds.FromSource(source),
                        source,
                        ImmutableArray.Create<Part>(
                            new ImagePart(sourceRef, pixels.Width, pixels.Height, Role.Content),
                            new TextPart(instruction, Role.Instruction),
                            new ImagePart(targetRef, pixels.Width, pixels.Height, Role.Target)),
                        meta.ToJsonString()));
                    counters.Add($"triples.op.{op}");
                    counters.Add($"triples.category.{segmented.Category}");
                    counters.Add($"triples.lang.{language}");
                }
            }
        }

        return Outcome(samples, rejects, counters);
    }

    private sealed record EditOutcome(RgbaImage? Target, PaintColour? Colour, double? LightnessShift, string? Reason, string? Message);

    private EditOutcome Edit(string op, RgbaImage pixels, SegmentedObject segmented, BinaryMask mask, Oklab current)
    {
        var key = $"{segmented.AnnotationId}|{op}|colour";
        switch (op)
        {
            case "paint":
                {
                    var candidates = DistinctColours(current, colour => PredictedPaint(current, colour));
                    if (candidates.Count == 0)
                    {
                        return new EditOutcome(null, null, null, Seg2EditRejectReasons.ColorNoDistinctColor, "no palette colour differs clearly from the object's colour");
                    }

                    var colour = _choice.Pick(candidates, key);
                    var (target, _, shift) = PaintEdit.Apply(pixels, mask, current, colour);
                    return new EditOutcome(target, colour, shift, null, null);
                }

            case "highlight":
                {
                    var candidates = DistinctColours(current, colour => colour.Value);
                    if (candidates.Count == 0)
                    {
                        return new EditOutcome(null, null, null, Seg2EditRejectReasons.ColorNoDistinctColor, "no palette colour differs clearly from the object's colour");
                    }

                    var colour = _choice.Pick(candidates, key);
                    return new EditOutcome(HighlightEdit.Apply(pixels, mask, colour, options.HighlightOpacity, options.OutlineWidth), colour, null, null, null);
                }

            default:
                {
                    var target = RemoveEdit.Apply(pixels, mask, options.RemoveSmoothing);
                    return target is null
                        ? new EditOutcome(null, null, null, Seg2EditRejectReasons.RemoveNoSurroundings, "the object covers the whole image: nothing to fill it from")
                        : new EditOutcome(target, null, null, null, null);
                }
        }
    }

    /// <summary>Colours whose name differs from the object's colour name and whose result moves its mean colour clearly.</summary>
    private List<PaintColour> DistinctColours(Oklab current, Func<PaintColour, Oklab> result)
    {
        var currentName = ColourNames.Nearest(current).English;
        var minimum = options.MinColorDifference * options.MinColorDifference;
        return [.. options.Colors.Select(PaintPalette.Named).Where(colour => colour.English != currentName && result(colour).DistanceSquared(current) >= minimum)];
    }

    /// <summary>The object's mean colour after painting, before gamut limits: lightness moved into the band, hue and chroma the colour's.</summary>
    private static Oklab PredictedPaint(Oklab current, PaintColour colour) =>
        new(Math.Clamp(current.L, PaintEdit.MinMeanLightness, PaintEdit.MaxMeanLightness), colour.Value.A, colour.Value.B);

    private async Task<(MediaRef Ref, bool Reencoded)> StoreSourceAsync(byte[] bytes, RgbaImage pixels, DecodedFormat format, CancellationToken cancellationToken)
    {
        // The source is kept byte for byte unless a viewer would show it differently from the pixels the masks
        // describe (an EXIF rotation) or it is in a format samples do not carry; then it is re-encoded losslessly.
        var mime = format.Format switch
        {
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Webp => "image/webp",
            _ => null,
        };
        if (mime is not null && format.Origin == SKEncodedOrigin.TopLeft)
        {
            return (await media.PutAsync(bytes, mime, cancellationToken), false);
        }

        return (await media.PutAsync(pixels.EncodeLossless(), "image/png", cancellationToken), true);
    }

    private static JsonObject Meta(
        AnnotatedImage annotated, SegmentedObject segmented, string op, string language, EditOutcome edit, Referring name, int template, MediaRef mask, bool reencoded)
    {
        var box = segmented.Packed.Box;
        var meta = new JsonObject
        {
            ["task"] = "seg2edit",
            ["dataset"] = annotated.Dataset,
            ["op"] = op,
            ["lang"] = language,
            ["annotation_id"] = IdValue(segmented.AnnotationId),
            ["image_id"] = IdValue(annotated.Image.ImageId),
            ["file_name"] = annotated.Image.FileName,
            ["category"] = segmented.Category,
            ["color"] = edit.Colour?.English,
            ["referring"] = name.Relation,
            ["bbox"] = new JsonArray(box.X, box.Y, box.Width, box.Height),
            ["area"] = segmented.Packed.Area,
            ["iscrowd"] = segmented.IsCrowd,
            ["mask"] = new JsonObject { ["sha256"] = mask.Sha256, ["mime"] = mask.Mime, ["path"] = MediaStore.PathOf(mask) },
            ["template"] = template,
            ["source_reencoded"] = reencoded,
        };
        if (op == "remove")
        {
            meta["quality"] = "coarse";
        }

        if (edit.LightnessShift is { } shift)
        {
            meta["lightness_shift"] = Math.Round(shift, 4);
        }

        return meta;
    }

    private static JsonNode IdValue(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);

    private static StageOutcome Failed(SourceImage image, string reason, string message) =>
        Outcome([], [new Rejection(image.Uri, reason, message)], ["images.read"]);

    private static StageOutcome Outcome(IReadOnlyList<Sample> samples, IReadOnlyList<Rejection> rejects, IReadOnlyList<string> counters) =>
        new() { Samples = samples, Rejections = rejects, Counters = [.. counters.Select(name => KeyValuePair.Create(name, 1L))] };
}
