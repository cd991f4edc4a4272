using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Rejects;

/// <summary>The reject reasons of the core stages and the helpers every project shares (image probing, text records), each declared once; stages list the ones they give in their definitions.</summary>
public static class CoreRejectReasons
{
    public static readonly RejectReason InputUnsupportedFormat = new("input.unsupported_format", "The file is not of a format the stage reads (the message lists the ones it does).");

    public static readonly RejectReason InputCorrupt = new("input.corrupt", "The file cannot be read as its format (a broken Parquet footer, a damaged gzip stream); records after the damage are lost.");

    public static readonly RejectReason InputDecompressionBomb = new("input.decompression_bomb", "A compressed input expands far beyond its size (over 250:1 after 8 MiB); reading stops there.");

    public static readonly RejectReason InputNotARegularFile = new("input.not_a_regular_file", "The input is a FIFO, a device, a socket, a dangling symlink or a symlink leading out of its input folder (or to a folder read through its own path); it is not opened.");

    public static readonly RejectReason InputUnsupportedName = new("input.unsupported_name", "The file's name holds a backslash, which storage paths read as a folder separator; it is not read.");

    public static readonly RejectReason InputTooLarge = new("input.too_large", "The file is larger than max_file_bytes allows a stage to hold in memory (an image, a page, a mask); it is not read.");

    public static readonly RejectReason RecordTooLarge = new("record.too_large", "A record (a JSONL line) is longer than max_record_bytes; it is skipped without being held in memory.");

    public static readonly RejectReason JsonlInvalidJson = new("jsonl.invalid_json", "A JSONL line is not valid JSON.");

    public static readonly RejectReason JsonlNotAnObject = new("jsonl.not_an_object", "A JSONL line is valid JSON but not an object.");

    public static readonly RejectReason TextMissingField = new("text.missing_field", "A record has no string field or column of the configured text_field.");

    public static readonly RejectReason TextInvalidUtf8 = new("text.invalid_utf8", "A line is not valid UTF-8 (never silently replaced).");

    public static readonly RejectReason TextTooShort = new("text.too_short", "The sample has fewer characters of text than min_text_chars.");

    public static readonly RejectReason TextTooLong = new("text.too_long", "The sample has more characters of text than max_text_chars.");

    public static readonly RejectReason ImageCorrupt = new("image.corrupt", "The image bytes cannot be decoded.");

    public static readonly RejectReason ImageTruncated = new("image.truncated", "The image file ends before its data does.");

    public static readonly RejectReason ImageUnsupportedFormat = new("image.unsupported_format", "The image is in a format the decoder does not read.");

    public static readonly RejectReason ImageTooManyPixels = new("image.too_many_pixels", "The image declares more pixels than max_pixels; it is not decoded (decompression-bomb guard).");

    public static readonly RejectReason ImageTooSmall = new("image.too_small", "An image is smaller than the minimum size.");

    public static readonly RejectReason ImageTooLarge = new("image.too_large", "An image is larger than the maximum size.");

    public static readonly RejectReason ImageAspectRatio = new("image.aspect_ratio", "An image is more elongated than max_aspect_ratio allows (banners, separators).");

    public static readonly RejectReason CaptionOrphan = new("caption.orphan", "A caption file has no image of the same name beside it.");

    public static readonly RejectReason MediaMissing = new("media.missing", "A medium the sample names is not in the input sample set.");

    public static readonly RejectReason MediaCorrupt = new("media.corrupt", "A medium in the input sample set does not hash to its name.");

    public static readonly RejectReason MediaSizeMismatch = new("media.size_mismatch", "An image part of the input sample set declares a width and height its stored image does not have; its tokens would be counted for another image.");

    public static readonly RejectReason DedupExactDuplicate = new("dedup.exact_duplicate", "The content repeats an earlier sample (or image) exactly; the message names the one kept.");

    /// <summary>What <c>ImageProbe</c> refuses an image for: every stage that decodes images can give these.</summary>
    /// <summary>Inputs the listing refuses before any stage opens them (<see cref="Storage.LocalStorage.ListAsync"/>): every source gives these.</summary>
    public static IReadOnlyList<RejectReason> InputRefusals { get; } = [InputNotARegularFile, InputUnsupportedName];

    public static IReadOnlyList<RejectReason> ImageProbe { get; } = [ImageCorrupt, ImageTruncated, ImageUnsupportedFormat, ImageTooManyPixels];

    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = [InputUnsupportedFormat, InputCorrupt, InputDecompressionBomb, InputNotARegularFile, InputUnsupportedName, InputTooLarge, RecordTooLarge, JsonlInvalidJson, JsonlNotAnObject, TextMissingField, TextInvalidUtf8, TextTooShort, TextTooLong, ImageCorrupt, ImageTruncated, ImageUnsupportedFormat, ImageTooManyPixels, ImageTooSmall, ImageTooLarge, ImageAspectRatio, CaptionOrphan, MediaMissing, MediaCorrupt, MediaSizeMismatch, DedupExactDuplicate];
}
