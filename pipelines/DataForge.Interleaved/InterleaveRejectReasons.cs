using DataForge.Core.Stages.Contract;

namespace DataForge.Interleaved;

/// <summary>The reject reasons of the interleave stage, each declared once; stages list the ones they give in their definitions.</summary>
public static class InterleaveRejectReasons
{
    public static readonly RejectReason WarcInvalidHeader = new("warc.invalid_header", "A WARC record header is malformed; reading resumes at the next record.");

    public static readonly RejectReason WarcTruncated = new("warc.truncated", "The archive ends inside a record.");

    public static readonly RejectReason WarcCorrupt = new("warc.corrupt", "The archive cannot be read further (damaged compression or framing).");

    public static readonly RejectReason WarcRecordTooLarge = new("warc.record_too_large", "A WARC record is larger than the stage holds; it is skipped.");

    public static readonly RejectReason HttpInvalidResponse = new("http.invalid_response", "A WARC response record does not hold a valid HTTP response.");

    public static readonly RejectReason HtmlTooDeep = new("html.too_deep", "The page nests elements deeper than 1024 levels; it is not parsed.");

    public static readonly RejectReason DocumentNoImage = new("document.no_image", "The document has no image or video left after filtering (keep_text_only keeps it).");

    public static readonly RejectReason VideoNotFound = new("video.not_found", "A page shows a video that neither the archives nor the disk beside it hold (or of an extension read-video does not read).");

    public static readonly RejectReason DocumentTooLittleText = new("document.too_little_text", "The document has fewer characters of text than min_text_chars.");

    public static readonly RejectReason DocumentTooManyImages = new("document.too_many_images", "The document has more images than max_images (a gallery, not prose).");

    public static readonly RejectReason ImageNotFound = new("image.not_found", "An image the page shows is neither in the archives nor on disk (and fetch is off).");

    public static readonly RejectReason ImageFrequent = new("image.frequent", "The image is shown on more pages than frequent_image_pages (a logo or banner).");

    public static readonly RejectReason ImageNearDuplicate = new("image.near_duplicate", "The image is within near_duplicate_bits dHash bits of an earlier image of the document.");






    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = [VideoNotFound, WarcInvalidHeader, WarcTruncated, WarcCorrupt, WarcRecordTooLarge, HttpInvalidResponse, HtmlTooDeep, DocumentNoImage, DocumentTooLittleText, DocumentTooManyImages, ImageNotFound, ImageFrequent, ImageNearDuplicate];
}
