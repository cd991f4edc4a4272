using DataForge.Core.Stages.Contract;

namespace DataForge.Speech;

/// <summary>The reject reasons of the asr stage, each declared once; stages list the ones they give in their definitions.</summary>
public static class AsrRejectReasons
{
    public static readonly RejectReason EntryInvalid = new("entry.invalid", "A manifest row cannot be read (the message says which field).");

    public static readonly RejectReason EntryDuplicate = new("entry.duplicate", "An entry names the same utterance as an earlier one of the task (a Kaldi utterance id given twice, a manifest row repeated); the first is kept.");

    public static readonly RejectReason AudioMissing = new("audio.missing", "The audio file an entry names does not exist.");

    public static readonly RejectReason AudioPathOutside = new("audio.path_outside", "An audio path is absolute or leaves the manifest's folder, and allow_paths_outside is off.");

    public static readonly RejectReason AudioUndecodable = new("audio.undecodable", "ffmpeg cannot decode the audio.");

    public static readonly RejectReason AudioMostlySilence = new("audio.mostly_silence", "Less of the utterance than min_speech_ratio is above the silence level.");

    public static readonly RejectReason AudioClipped = new("audio.clipped", "More samples than max_clipped_ratio are at full scale.");

    public static readonly RejectReason DurationTooShort = new("duration.too_short", "The utterance is shorter than min_duration.");

    public static readonly RejectReason DurationTooLong = new("duration.too_long", "The utterance is longer than max_duration.");

    public static readonly RejectReason SegmentOutOfRange = new("segment.out_of_range", "The segment's start or end lies outside the recording.");

    public static readonly RejectReason TextMissing = new("text.missing", "The entry has no transcript (keep_untranscribed keeps it unlabelled).");

    public static readonly RejectReason TextEmpty = new("text.empty", "The transcript is empty once normalised (tags removed).");

    public static readonly RejectReason TextDurationMismatch = new("text.duration_mismatch", "The transcript is implausibly long or short for the audio's duration.");

    public static readonly RejectReason DialectMissing = new("dialect.missing", "Neither the entry nor the dialect option names a dialect.");

    public static readonly RejectReason DialectUnknown = new("dialect.unknown", "The dialect label is neither a Chinese dialect of the taxonomy (dataforge asr --list-dialects) nor an ISO 639 / BCP-47 language.");

    /// <summary>Every reason of this catalogue, in declaration order.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = [EntryInvalid, EntryDuplicate, AudioMissing, AudioPathOutside, AudioUndecodable, AudioMostlySilence, AudioClipped, DurationTooShort, DurationTooLong, SegmentOutOfRange, TextMissing, TextEmpty, TextDurationMismatch, DialectMissing, DialectUnknown];
}
