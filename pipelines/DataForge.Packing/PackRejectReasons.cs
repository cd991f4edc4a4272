using DataForge.Core.Stages.Contract;

namespace DataForge.Packing;

/// <summary>The reject reasons of the pack stage, each declared once; stages list the ones they give in their definitions.</summary>
public static class PackRejectReasons
{
    public static readonly RejectReason PackEmptyDocument = new("pack.empty_document", "The sample holds no token to pack.");

    public static readonly RejectReason PackDocumentTooLong = new("pack.document_too_long", "A document is longer than seq_len and split_long_text is off.");

    public static readonly RejectReason PackMediaDocumentTooLong = new("pack.media_document_too_long", "A document holding media is longer than seq_len; media are never split.");

    public static readonly RejectReason PackImageUnsupportedShape = new("pack.image_unsupported_shape", "An image has a side of 0 or is more elongated than 200:1, which Qwen2-VL's resize (smart_resize) refuses.");

    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static readonly RejectReason PackAudioInvalidDuration = new("pack.audio_invalid_duration", "An audio part's duration is not a positive number of seconds (a sample set from elsewhere): its token count cannot be known.");

    public static readonly RejectReason PackChatNoAssistant = new("pack.chat_no_assistant", "With a chat template, a sample has no target part: no assistant turn to carry the loss.");

    public static readonly RejectReason PackInvalidSplit = new("pack.invalid_split", "A sample's split is not a usable folder name (letters, digits, '.', '_', '-'; at most 64; not . or ..).");

    public static readonly RejectReason PackVideoInvalidTimes = new("pack.video_invalid_times", "A video part's frame times are not finite, non-negative and non-decreasing (a sample set from elsewhere): its frames cannot be placed in time.");

    public static IReadOnlyList<RejectReason> All { get; } = [PackInvalidSplit, PackChatNoAssistant, PackAudioInvalidDuration, PackEmptyDocument, PackDocumentTooLong, PackMediaDocumentTooLong, PackImageUnsupportedShape, PackVideoInvalidTimes];
}
