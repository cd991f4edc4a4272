using DataForge.Core.Stages.Contract;

namespace DataForge.Video;

/// <summary>The reject reasons of read-video, each declared once.</summary>
public static class VideoRejectReasons
{
    public static readonly RejectReason VideoUndecodable = new("video.undecodable", "ffmpeg cannot read the file as a video, or cannot decode the frames sampled from a clip.");

    public static readonly RejectReason VideoNoVideoStream = new("video.no_video_stream", "The file has no video stream (audio only, or only a cover picture); read it with asr.");

    public static readonly RejectReason VideoEmpty = new("video.empty", "The video stream has no frames or no duration.");

    public static readonly RejectReason VideoTooLarge = new("video.too_large", "The stream's frames have more pixels than max_source_pixels; nothing is decoded.");

    public static readonly RejectReason VideoTooManyFrames = new("video.too_many_frames", "The stream has more frames than max_source_frames.");

    public static readonly RejectReason VideoNoTimestamps = new("video.no_timestamps", "A packet of the video stream has no presentation timestamp (a raw elementary stream), so frames cannot be placed in time; remux it into a container.");

    public static readonly RejectReason VideoClipTooShort = new("video.clip_too_short", "A clip has too few frames for one temporal patch (two sampled frames) at the settings.");

    public static readonly RejectReason VideoAudioUndecodable = new("video.audio_undecodable", "The clip's audio track cannot be decoded (the video has one; a video without audio is not a reject).");

    public static readonly RejectReason SubtitlesOrphan = new("subtitles.orphan", "A subtitle file with no video of the same name beside it.");

    public static readonly RejectReason SubtitlesInvalidCue = new("subtitles.invalid_cue", "A cue of a sidecar subtitle file cannot be read (no or a malformed timing line); the other cues are used.");

    public static IReadOnlyList<RejectReason> All { get; } = [VideoUndecodable, VideoNoVideoStream, VideoEmpty, VideoTooLarge, VideoTooManyFrames, VideoNoTimestamps, VideoClipTooShort, VideoAudioUndecodable, SubtitlesOrphan, SubtitlesInvalidCue];
}
