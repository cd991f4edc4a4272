using DataForge.Core.Stages.Contract;

namespace DataForge.Video;

/// <summary>Video files cut into clips, each with frames sampled on its timeline, its audio and its subtitles.</summary>
public sealed record ReadVideoOptions : ISourceOptions
{
    [Option("Files or folders to read; when absent, the pipeline's top-level inputs.")]
    public IReadOnlyList<string>? Inputs { get; init; }

    [Option("How videos are cut: fixed (windows of clip_seconds), scene (at ffmpeg's scene changes) or whole (one clip, split over max_clip_seconds).")]
    public string Clips { get; init; } = "fixed";

    [Option("The length of a fixed window, seconds.")]
    public double ClipSeconds { get; init; } = 10;

    [Option("A remainder (fixed) or scene shorter than this joins its neighbour, seconds.")]
    public double MinClipSeconds { get; init; } = 1;

    [Option("A scene or whole video longer than this is cut into equal parts that fit, seconds.")]
    public double MaxClipSeconds { get; init; } = 30;

    [Option("Scene change where ffmpeg's scene score (0-1, the difference from the frame before) exceeds this.")]
    public double SceneThreshold { get; init; } = 0.3;

    [Option("Frames sampled per second of clip (Qwen2-VL samples 2).")]
    public double Fps { get; init; } = 2;

    [Option("At least this many frames per clip, when the clip has them (Qwen2-VL min_frames).")]
    public int MinFrames { get; init; } = 4;

    [Option("At most this many frames per clip (Qwen2-VL max_frames).")]
    public int MaxFrames { get; init; } = 768;

    [Option("Sampled frames are scaled down to at most this many pixels, keeping the aspect ratio (Qwen2-VL video max_pixels, 768 x 28 x 28).")]
    public long MaxFramePixels { get; init; } = 768 * 28 * 28;

    [Option("Videos whose frames have more pixels than this are rejected before anything is decoded (8K UHD).")]
    public long MaxSourcePixels { get; init; } = 7680L * 4320;

    [Option("Videos with more frames than this are rejected (the frame clock holds 8 bytes a frame).")]
    public long MaxSourceFrames { get; init; } = 2_000_000;

    [Option("Give each clip its audio track as an Audio part (a video without one gets none, and meta has_audio false).")]
    public bool Audio { get; init; } = true;

    [Option("The clip audio's sample rate (mono, 16-bit WAV).")]
    public int AudioSampleRate { get; init; } = 16_000;

    [Option("Sidecar subtitles (same stem beside the video) become the clip's target text, by these extensions in order.")]
    public IReadOnlyList<string> SubtitleExtensions { get; init; } = [".srt", ".vtt"];

    [Option("JPEG quality of stored frames (1-100).")]
    public int JpegQuality { get; init; } = 90;

    public IEnumerable<string> Validate()
    {
        if (Clips is not ("fixed" or "scene" or "whole"))
        {
            yield return $"clips must be fixed, scene or whole, not '{Clips}'";
        }

        if (!(ClipSeconds > 0) || !(MinClipSeconds >= 0) || !(MaxClipSeconds > 0) || MinClipSeconds > MaxClipSeconds || ClipSeconds > MaxClipSeconds)
        {
            yield return "clip lengths must satisfy 0 <= min_clip_seconds <= max_clip_seconds, 0 < clip_seconds <= max_clip_seconds";
        }

        if (!(SceneThreshold > 0 && SceneThreshold < 1))
        {
            yield return "scene_threshold must be between 0 and 1";
        }

        if (!(Fps > 0 && Fps <= 240))
        {
            yield return "fps must be in (0, 240]";
        }

        if (MinFrames < 0 || MaxFrames < 2 || MinFrames > MaxFrames || MaxFrames > 100_000)
        {
            yield return "frames must satisfy 0 <= min_frames <= max_frames, 2 <= max_frames <= 100000";
        }

        if (MaxFramePixels < 64 * 64 || MaxSourcePixels < 1 || MaxSourceFrames < 1)
        {
            yield return "max_frame_pixels must be at least 4096, max_source_pixels and max_source_frames positive";
        }

        if (AudioSampleRate is < 8000 or > 192_000)
        {
            yield return "audio_sample_rate must be between 8000 and 192000";
        }

        if (JpegQuality is < 1 or > 100)
        {
            yield return "jpeg_quality must be between 1 and 100";
        }

        if (SubtitleExtensions.Any(extension => !extension.StartsWith('.')))
        {
            yield return "subtitle_extensions must start with '.'";
        }
    }
}
