using System.Globalization;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Core.Tables;
using DataForge.SegEdit.Editing;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Sources;

/// <summary>One row of a mask folder's label file: an object, its image, its mask file and which mask pixels are it.</summary>
public sealed record MaskLabel(string Id, int Line, string Image, string Mask, string Category, string? Value);

/// <summary>
/// A folder of images and mask PNGs described by a label file (TSV or CSV) with the columns <c>image</c>, <c>mask</c>,
/// <c>category</c> and optionally <c>value</c> and <c>id</c>, paths relative to the label file. One row per object;
/// rows may share a mask file (an instance map) and tell their pixels apart by <c>value</c>: a grey level 0–255, or
/// <c>#rrggbb</c> for colour and palette PNGs. Without a value every non-black pixel belongs to the object.
/// </summary>
public static class MaskFolderSource
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["image", "mask", "category"];

    /// <summary>Reads the label file (rows are small: one per object) and groups rows by image, in first-seen order.</summary>
    public static async Task<(IReadOnlyList<AnnotatedImage> Images, IReadOnlyList<Rejection> Rejects)> ReadAsync(
        InputFile labels, ObjectRules rules, long maxPixels, CancellationToken cancellationToken)
    {
        var folder = StoragePaths.Directory(labels.Path);
        var folderUri = StoragePaths.Directory(labels.Uri);
        var rejects = new List<Rejection>();
        var byImage = new Dictionary<string, List<MaskLabel>>(StringComparer.Ordinal);
        var order = new List<string>();
        await using var stream = await labels.Storage.OpenReadAsync(labels.Path, cancellationToken);
        using var reader = new StreamReader(stream);
        var headerChecked = false;
        await foreach (var (row, problem, line) in DelimitedTable.ReadAsync(reader, DelimitedTable.SeparatorFor(labels.Path), cancellationToken))
        {
            var input = $"{labels.Uri}#line={line}";
            if (row is null)
            {
                rejects.Add(new Rejection(input, Seg2EditRejectReasons.LabelsInvalidRow, problem!));
                continue;
            }

            if (!headerChecked)
            {
                var missing = RequiredColumns.Where(column => !row.Values.ContainsKey(column)).ToList();
                if (missing.Count > 0)
                {
                    throw new InvalidDataException($"{labels.Uri}: the label file lacks the column(s) {string.Join(", ", missing)} (needs image, mask, category; optional value, id)");
                }

                headerChecked = true;
            }

            if (row["image"] is not { } image || row["mask"] is not { } mask || row["category"] is not { } category)
            {
                rejects.Add(new Rejection(input, Seg2EditRejectReasons.LabelsInvalidRow, "image, mask and category must all be given"));
                continue;
            }

            var label = new MaskLabel(row["id"] ?? $"line-{line.ToString(CultureInfo.InvariantCulture)}", line, image, mask, category, row["value"]);
            if (!byImage.TryGetValue(image, out var list))
            {
                byImage[image] = list = [];
                order.Add(image);
            }

            list.Add(label);
        }

        var images = order.Select(name =>
        {
            var path = StoragePaths.Join(folder, name);
            var source = new SourceImage(name, name, labels.Storage, path, StoragePaths.Join(folderUri, name), null, null);
            var rows = byImage[name];
            return new AnnotatedImage(source, "mask_folder", (width, height, token) => LoadAsync(labels, folder, rows, width, height, rules, maxPixels, token));
        }).ToList();
        return (images, rejects);
    }

    private static async Task<ImageObjects> LoadAsync(
        InputFile labels, string folder, List<MaskLabel> rows, int width, int height, ObjectRules rules, long maxPixels, CancellationToken cancellationToken)
    {
        var objects = new List<SegmentedObject>();
        var rejects = new List<Rejection>();
        var decoded = new Dictionary<string, (RgbaImage? Png, string? Reason, string? Message)>(StringComparer.Ordinal);
        foreach (var label in rows)
        {
            var input = $"{labels.Uri}#line={label.Line}";
            if (!decoded.TryGetValue(label.Mask, out var png))
            {
                decoded[label.Mask] = png = await ReadMaskAsync(labels.Storage, StoragePaths.Join(folder, label.Mask), width, height, maxPixels, cancellationToken);
            }

            if (png.Png is null)
            {
                rejects.Add(new Rejection(input, png.Reason!, png.Message!));
                continue;
            }

            if (!TryParseValue(label.Value, out var selector))
            {
                rejects.Add(new Rejection(input, Seg2EditRejectReasons.LabelsInvalidRow, $"value '{label.Value}' is neither a grey level 0-255 nor #rrggbb"));
                continue;
            }

            var mask = new BinaryMask(width, height);
            var pixels = png.Png.Pixels;
            for (var i = 0; i < mask.Pixels.Length; i++)
            {
                var (r, g, b) = (pixels[i * 4], pixels[(i * 4) + 1], pixels[(i * 4) + 2]);
                var inside = selector is { } rgb ? r == rgb.R && g == rgb.G && b == rgb.B : (r | g | b) != 0;
                mask.Pixels[i] = inside ? (byte)1 : (byte)0;
            }

            rules.Add(objects, rejects, label.Id, input, label.Category.Trim(), false, mask);
        }

        return new ImageObjects(objects, rejects);
    }

    /// <summary>Null selector: any non-black pixel. A grey level v selects (v, v, v).</summary>
    internal static bool TryParseValue(string? value, out (byte R, byte G, byte B)? selector)
    {
        selector = null;
        if (value is null)
        {
            return true;
        }

        if (value.Length == 7 && value[0] == '#' && int.TryParse(value.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
        {
            selector = ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
            return true;
        }

        if (byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var grey))
        {
            selector = (grey, grey, grey);
            return true;
        }

        return false;
    }

    private static async Task<(RgbaImage?, string?, string?)> ReadMaskAsync(IStorage storage, string path, int width, int height, long maxPixels, CancellationToken cancellationToken)
    {
        if (!StoragePaths.IsSafeRelative(path))
        {
            return (null, Seg2EditRejectReasons.MaskPathOutside, $"the mask name '{path}' is absolute or leaves the labels' folder");
        }

        if (!await storage.ExistsAsync(path, cancellationToken))
        {
            return (null, Seg2EditRejectReasons.MaskMissing, $"the mask file {path} does not exist");
        }

        var (png, _, reason, message) = RgbaImage.Decode(await storage.ReadAllBytesAsync(path, cancellationToken), maxPixels);
        if (png is null)
        {
            return (null, reason!.Replace("image.", "mask.", StringComparison.Ordinal), message);
        }

        return png.Width != width || png.Height != height
            ? (null, Seg2EditRejectReasons.MaskSizeMismatch, $"the mask is {png.Width}x{png.Height}, the image {width}x{height}")
            : (png, null, null);
    }
}
