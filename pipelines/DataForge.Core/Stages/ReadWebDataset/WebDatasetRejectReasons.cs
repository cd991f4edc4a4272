using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadWebDataset;

/// <summary>The reasons read-webdataset rejects with.</summary>
public static class WebDatasetRejectReasons
{
    public static readonly RejectReason WebDatasetTruncated = new("webdataset.truncated", "The tar ends inside a member or its header is damaged: every whole sample before it is kept, the rest of the shard is not readable.");

    public static readonly RejectReason WebDatasetUnsupportedMember = new("webdataset.unsupported_member", "A member whose extension is not read (images jpg/jpeg/png/webp/gif/bmp, txt, json, wav, and small text fields such as cls), or a member without an extension.");

    public static readonly RejectReason WebDatasetDuplicateMember = new("webdataset.duplicate_member", "A sample holds two members of one extension (the webdataset library refuses such a shard).");

    public static readonly RejectReason WebDatasetInvalidMember = new("webdataset.invalid_member", "A member cannot be read: json that is not an object, text that is not UTF-8, a DataForge sample json whose parts name members the sample lacks.");

    public static readonly RejectReason WebDatasetEmptySample = new("webdataset.empty_sample", "A sample has neither text nor media, or a shard holds no sample at all (an empty or zero-byte tar).");

    public static IReadOnlyList<RejectReason> All { get; } = [WebDatasetTruncated, WebDatasetUnsupportedMember, WebDatasetDuplicateMember, WebDatasetInvalidMember, WebDatasetEmptySample];
}
