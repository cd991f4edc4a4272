using System.Globalization;
using System.Text.Json;
using DataForge.SegEdit.Masks;

namespace DataForge.SegEdit.Sources;

/// <summary>
/// Decodes one COCO instance annotation's <c>segmentation</c> as pycocotools' <c>annToRLE</c> does: a list of
/// polygons (rasterised and merged), compressed RLE (string counts) or uncompressed RLE (list counts, crowd regions).
/// Anything pycocotools would silently misread is a reason instead.
/// </summary>
public static class CocoSegmentation
{
    /// <summary>How far (pixels) a polygon vertex may lie outside the image: annotation tools round to the border.</summary>
    public const double OutsideTolerance = 1.0;

    public static (BinaryMask? Mask, string? Reason, string? Message) Decode(JsonElement segmentation, int height, int width)
    {
        try
        {
            return segmentation.ValueKind switch
            {
                JsonValueKind.Array => FromPolygons(segmentation, height, width),
                JsonValueKind.Object => FromRle(segmentation, height, width),
                _ => (null, Seg2EditRejectReasons.AnnotationInvalid, $"segmentation is {segmentation.ValueKind}, expected polygons or RLE"),
            };
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json checks a string's UTF-8 only when it is read (fuzzing found an RLE counts string with
            // invalid bytes).
            return (null, Seg2EditRejectReasons.AnnotationInvalid, $"segmentation cannot be read: {e.Message}");
        }
    }

    private static (BinaryMask?, string?, string?) FromPolygons(JsonElement polygons, int height, int width)
    {
        if (polygons.GetArrayLength() == 0)
        {
            return (null, Seg2EditRejectReasons.PolygonTooFewPoints, "segmentation has no polygon");
        }

        var mask = new BinaryMask(width, height);
        var index = 0;
        foreach (var polygon in polygons.EnumerateArray())
        {
            if (polygon.ValueKind != JsonValueKind.Array)
            {
                return (null, Seg2EditRejectReasons.PolygonInvalid, $"polygon {index} is {polygon.ValueKind}, expected a list of coordinates");
            }

            var xy = new double[polygon.GetArrayLength()];
            var i = 0;
            foreach (var coordinate in polygon.EnumerateArray())
            {
                if (coordinate.ValueKind != JsonValueKind.Number || !double.IsFinite(xy[i++] = coordinate.GetDouble()))
                {
                    return (null, Seg2EditRejectReasons.PolygonInvalid, $"polygon {index} holds a non-number coordinate");
                }
            }

            if (xy.Length % 2 != 0)
            {
                return (null, Seg2EditRejectReasons.PolygonOddCoordinates, $"polygon {index} has {xy.Length} coordinates, an odd count");
            }

            if (xy.Length < 6)
            {
                return (null, Seg2EditRejectReasons.PolygonTooFewPoints, $"polygon {index} has {xy.Length / 2} points, fewer than 3");
            }

            for (var p = 0; p < xy.Length; p += 2)
            {
                if (xy[p] < -OutsideTolerance || xy[p] > width + OutsideTolerance || xy[p + 1] < -OutsideTolerance || xy[p + 1] > height + OutsideTolerance)
                {
                    return (null, Seg2EditRejectReasons.MaskOutsideImage, string.Create(CultureInfo.InvariantCulture, $"polygon {index} point ({xy[p]}, {xy[p + 1]}) lies outside the {width}x{height} image"));
                }
            }

            mask.UnionWith(PolygonRasterizer.ToRle(xy, height, width).Decode());
            index++;
        }

        return (mask, null, null);
    }

    private static (BinaryMask?, string?, string?) FromRle(JsonElement rle, int height, int width)
    {
        if (!rle.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2
            || !size[0].TryGetInt32(out var rleHeight) || !size[1].TryGetInt32(out var rleWidth))
        {
            return (null, Seg2EditRejectReasons.RleInvalid, "RLE has no [height, width] size");
        }

        if (rleHeight != height || rleWidth != width)
        {
            return (null, Seg2EditRejectReasons.RleSizeMismatch, $"RLE size is {rleWidth}x{rleHeight}, the image is {width}x{height}");
        }

        if (!rle.TryGetProperty("counts", out var counts))
        {
            return (null, Seg2EditRejectReasons.RleInvalid, "RLE has no counts");
        }

        CocoRle parsed;
        try
        {
            parsed = counts.ValueKind switch
            {
                JsonValueKind.String => CocoRle.FromCompressedString(counts.GetString()!, height, width),
                JsonValueKind.Array => FromList(counts, height, width),
                _ => throw new FormatException($"counts is {counts.ValueKind}, expected a string or a list"),
            };
            return (parsed.Decode(), null, null);
        }
        catch (FormatException e)
        {
            return (null, Seg2EditRejectReasons.RleInvalid, e.Message);
        }
    }

    private static CocoRle FromList(JsonElement counts, int height, int width)
    {
        var runs = new uint[counts.GetArrayLength()];
        var i = 0;
        foreach (var count in counts.EnumerateArray())
        {
            if (!count.TryGetUInt32(out runs[i]))
            {
                throw new FormatException($"run {i} is not a non-negative integer");
            }

            i++;
        }

        return new CocoRle(height, width, runs);
    }
}
