using DataForge.Core.Stages.Contract;

namespace DataForge.SegEdit;

/// <summary>The reject reasons of the seg2edit stage, each declared once; stages list the ones they give in their definitions.</summary>
public static class Seg2EditRejectReasons
{
    public static readonly RejectReason InputInvalid = new("input.invalid", "The annotation file is not valid COCO (the message says where).");

    public static readonly RejectReason AnnotationInvalid = new("annotation.invalid", "An annotation lacks a field it needs or has one of the wrong kind.");

    public static readonly RejectReason AnnotationUnknownImage = new("annotation.unknown_image", "An annotation names an image_id that is not in the file.");

    public static readonly RejectReason ImageDuplicateId = new("image.duplicate_id", "An image entry repeats the id of an earlier one (the first is kept): its annotations would be edited twice under one sample id.");

    public static readonly RejectReason AnnotationDuplicateId = new("annotation.duplicate_id", "An annotation repeats the id of an earlier one (the first is kept).");

    public static readonly RejectReason ImageInvalidEntry = new("image.invalid_entry", "An image entry lacks an id or a file_name.");

    public static readonly RejectReason ImageMissing = new("image.missing", "The image file an entry names does not exist.");

    public static readonly RejectReason ImagePathOutside = new("image.path_outside", "An image file name leaves the image folder (absolute, or climbing with ..); it is not opened.");

    public static readonly RejectReason ImageSizeMismatch = new("image.size_mismatch", "The decoded image differs in size from the width and height the annotation file gives.");

    public static readonly RejectReason CategoryUnknown = new("category.unknown", "An annotation names a category_id the file does not define.");

    public static readonly RejectReason PolygonOddCoordinates = new("polygon.odd_coordinates", "A polygon has an odd number of coordinates.");

    public static readonly RejectReason PolygonTooFewPoints = new("polygon.too_few_points", "A polygon has fewer than three points.");

    public static readonly RejectReason PolygonInvalid = new("polygon.invalid", "A polygon holds values that are not finite numbers.");

    public static readonly RejectReason RleInvalid = new("rle.invalid", "An RLE segmentation cannot be decoded (bad counts string or counts).");

    public static readonly RejectReason RleSizeMismatch = new("rle.size_mismatch", "An RLE segmentation is for another image size, or its counts do not cover it.");

    public static readonly RejectReason MaskEmpty = new("mask.empty", "The mask has no pixel inside the image.");

    public static readonly RejectReason MaskMissing = new("mask.missing", "A mask file (mask folder or panoptic PNG) does not exist.");

    public static readonly RejectReason MaskOutsideImage = new("mask.outside_image", "The mask lies outside the image.");

    public static readonly RejectReason MaskPathOutside = new("mask.path_outside", "A mask file name leaves its folder (absolute, or climbing with ..); it is not opened.");

    public static readonly RejectReason MaskSizeMismatch = new("mask.size_mismatch", "The mask image differs in size from its image.");

    public static readonly RejectReason MaskTooSmall = new("mask.too_small", "The object has fewer pixels than min_area.");

    public static readonly RejectReason LabelsInvalidRow = new("labels.invalid_row", "A row of a mask folder's labels file is malformed.");

    public static readonly RejectReason ReferAmbiguous = new("refer.ambiguous", "No referring expression names the object uniquely in its image.");

    public static readonly RejectReason ColorNoDistinctColor = new("color.no_distinct_color", "No palette colour differs clearly from the object's own colour.");

    public static readonly RejectReason RemoveNoSurroundings = new("remove.no_surroundings", "The object covers the whole image: there is nothing to fill the hole from.");

    public static readonly RejectReason EditNoVisibleChange = new("edit.no_visible_change", "The edit would change too little of the object visibly (Oklab ΔE over the mask) for its instruction to be true.");

    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = [InputInvalid, AnnotationInvalid, AnnotationUnknownImage, AnnotationDuplicateId, ImageDuplicateId, ImageInvalidEntry, ImageMissing, ImagePathOutside, ImageSizeMismatch, CategoryUnknown, PolygonOddCoordinates, PolygonTooFewPoints, PolygonInvalid, RleInvalid, RleSizeMismatch, MaskEmpty, MaskMissing, MaskOutsideImage, MaskPathOutside, MaskSizeMismatch, MaskTooSmall, LabelsInvalidRow, ReferAmbiguous, ColorNoDistinctColor, RemoveNoSurroundings, EditNoVisibleChange];
}
