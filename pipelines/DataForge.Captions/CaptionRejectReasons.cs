using DataForge.Core.Stages.Contract;

namespace DataForge.Captions;

/// <summary>The reject reasons of the caption stage, each declared once; stages list the ones they give in their definitions.</summary>
public static class CaptionRejectReasons
{
    public static readonly RejectReason CaptionEmpty = new("caption.empty", "The captioner returned no text.");

    public static readonly RejectReason CaptionTooShort = new("caption.too_short", "The caption is shorter than min_caption_chars.");

    public static readonly RejectReason CaptionRepetitive = new("caption.repetitive", "The caption repeats itself (a degenerate generation).");

    public static readonly RejectReason CaptionRefusal = new("caption.refusal", "The endpoint refused to describe the image.");

    public static readonly RejectReason CaptionWrongLanguage = new("caption.wrong_language", "The caption is not in the language asked for.");

    public static readonly RejectReason CaptionBadResponse = new("caption.bad_response", "The endpoint answered with something that is not a chat completion.");

    public static readonly RejectReason CaptionEndpointError = new("caption.endpoint_error", "The endpoint answered with an error status after every retry.");

    public static readonly RejectReason CaptionEndpointUnreachable = new("caption.endpoint_unreachable", "The endpoint could not be reached (or timed out) after every retry.");

    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = [CaptionEmpty, CaptionTooShort, CaptionRepetitive, CaptionRefusal, CaptionWrongLanguage, CaptionBadResponse, CaptionEndpointError, CaptionEndpointUnreachable];
}
