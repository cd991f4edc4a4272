using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Stages.Contract;
using DataForge.Speech.Audio;
using DataForge.Speech.Sources;
using DataForge.Video.Clips;
using DataForge.Video.Frames;
using DataForge.Video.Probe;

namespace DataForge.Video;

/// <summary>One clip read: its parts and meta, or why it has none (then <see cref="Rejection"/> is set).</summary>
/// <param name="Source">the clip as a W3C Media Fragments URI: <c>video#t=start,end</c></param>
public sealed record VideoClip(string Source, ImmutableArray<Part> Parts, JsonObject Meta, Rejection? Rejection)
{
    public static VideoClip Refused(string source, string reason, string message) => new(source, [], [], new Rejection(source, reason, message));
}

/// <summary>
/// Reads videos into clips, for read-video and for the videos of web pages (interleave): each file is probed
/// (ffprobe: no decode, so a huge resolution is refused first), its frame clock read from the container's packets,
/// cut into clips (fixed windows, scene changes or whole), and each clip's frames are sampled by Qwen2-VL's rule
/// (<see cref="VideoFrameSampling"/>) on the frames the clip really has, decoded by ffmpeg picking them by timestamp,
/// and stored as JPEG; the clip's audio becomes a WAV and the subtitle cues starting in it its target text. The source
/// video is stored once and shared by its clips.
/// </summary>
public sealed class VideoReader(ReadVideoOptions options, MediaStore media)
{
    /// <summary>A clip's sampled frames (timestamps, times from its start, where to seek), or its refusal.</summary>
    private sealed record ClipSampling(int Index, string Source, int Frames, long[] Pts, ImmutableArray<double> Times, double SeekSeconds, VideoClip? Refusal);

    /// <summary>The video probed, clocked, cut and stored, or the reason it is refused (<paramref name="uri"/> names it in rejects).</summary>
    /// <param name="local">a local path ffmpeg reads</param>
    /// <param name="cues">sidecar subtitle cues in file time, sorted (none when the video has none)</param>
    public async Task<(VideoPlan? Plan, Rejection? Refusal)> PlanAsync(string uri, string local, string name, string mime, IReadOnlyList<SubtitleCue> cues, CancellationToken cancellationToken)
    {
        var (info, problem, noVideo) = await VideoProbe.ProbeAsync(local, cancellationToken);
        if (info is null)
        {
            return (null, new Rejection(uri, noVideo ? VideoRejectReasons.VideoNoVideoStream : VideoRejectReasons.VideoUndecodable, problem!));
        }

        if ((long)info.Width * info.Height > options.MaxSourcePixels)
        {
            return (null, new Rejection(uri, VideoRejectReasons.VideoTooLarge, string.Create(CultureInfo.InvariantCulture, $"{info.Width}x{info.Height} frames are over max_source_pixels {options.MaxSourcePixels}")));
        }

        var (clock, clockReason, clockProblem) = await FrameClock.ReadAsync(local, info, options.MaxSourceFrames, cancellationToken);
        if (clock is null)
        {
            return (null, new Rejection(uri, clockReason!, clockProblem!));
        }

        // The video ends one frame after its last frame starts: as long as the gap before it (variable rates end at
        // their own rate), else the average rate's frame.
        var frameSeconds = clock.Count > 1 ? clock.Seconds(clock.Count - 1) - clock.Seconds(clock.Count - 2) : info.AverageFps > 0 ? 1 / info.AverageFps : 0;
        var total = clock.Seconds(clock.Count - 1) - info.FormatStartSeconds + frameSeconds;
        if (!(total > 0))
        {
            return (null, new Rejection(uri, VideoRejectReasons.VideoEmpty, string.Create(CultureInfo.InvariantCulture, $"the video stream's {clock.Count} frames span no time")));
        }

        var clips = options.Clips switch
        {
            "scene" => ClipPlanner.Scenes(total, (await SceneCuts.FindAsync(local, info, options.SceneThreshold, cancellationToken)).Select(cut => cut - info.FormatStartSeconds), options.MinClipSeconds, options.MaxClipSeconds),
            "whole" => ClipPlanner.Whole(total, options.MaxClipSeconds),
            _ => ClipPlanner.Fixed(total, options.ClipSeconds, options.MinClipSeconds),
        };

        var source = await media.PutFileAsync(local, mime, cancellationToken);
        var (width, height) = FrameSize.Under(info.DisplayWidth, info.DisplayHeight, options.MaxFramePixels);
        return (new VideoPlan(local, uri, name, info, clock, source, width, height, clips, cues, IsVariable(clock)), null);
    }

    /// <summary>Clips decoded by one ffmpeg run: consecutive clips until they span a minute or number 32.</summary>
    public const double DecodeGroupSeconds = 60;

    public const int DecodeGroupClips = 32;

    /// <summary>
    /// The plan's clips in decode groups (first clip, count), a fixed function of the clips, so output is the same for
    /// any worker count. One ffmpeg run per clip cost a process start and a seek per clip: 0.26x the ffmpeg CLI's speed
    /// on an hour of 10 s clips (bench/video.sh).
    /// </summary>
    public static IReadOnlyList<(int First, int Count)> DecodeGroups(VideoPlan plan)
    {
        var groups = new List<(int, int)>();
        for (var first = 0; first < plan.Clips.Count;)
        {
            var count = 1;
            while (first + count < plan.Clips.Count && count < DecodeGroupClips && plan.Clips[first + count].End - plan.Clips[first].Start <= DecodeGroupSeconds)
            {
                count++;
            }

            groups.Add((first, count));
            first += count;
        }

        return groups;
    }

    /// <summary>One clip of a planned video: its parts (Video, Audio?, Text(target)?) and meta, or the reason it has none.</summary>
    public async ValueTask<VideoClip> ClipAsync(VideoPlan plan, int index, CancellationToken cancellationToken) =>
        (await ClipsAsync(plan, index, 1, cancellationToken))[0];

    /// <summary>
    /// Clips <paramref name="first"/> .. + <paramref name="count"/> (a decode group): their frames from one ffmpeg run
    /// and their audio from another, cut at the clips' bounds. A run that fails is redone clip by clip, so a damaged
    /// frame or audio packet refuses only the clip that holds it.
    /// </summary>
    public async ValueTask<IReadOnlyList<VideoClip>> ClipsAsync(VideoPlan plan, int first, int count, CancellationToken cancellationToken)
    {
        var samplings = Enumerable.Range(first, count).Select(index => Sample(plan, index)).ToList();
        var valid = samplings.Where(sampling => sampling.Refusal is null).ToList();
        var frames = new Dictionary<int, IReadOnlyList<byte[]>>();
        var frameProblems = new Dictionary<int, string>();
        if (valid.Count > 0)
        {
            var (jpegs, problem) = await FrameExtractor.ExtractAsync(plan.LocalPath, plan.Stream, [.. valid.SelectMany(sampling => sampling.Pts)], valid[0].SeekSeconds, plan.FrameWidth, plan.FrameHeight, options.JpegQuality, cancellationToken);
            if (problem is null)
            {
                var at = 0;
                foreach (var sampling in valid)
                {
                    frames[sampling.Index] = jpegs.Skip(at).Take(sampling.Pts.Length).ToList();
                    at += sampling.Pts.Length;
                }
            }
            else
            {
                foreach (var sampling in valid)
                {
                    var (alone, aloneProblem) = valid.Count == 1 ? (jpegs, problem) : await FrameExtractor.ExtractAsync(plan.LocalPath, plan.Stream, sampling.Pts, sampling.SeekSeconds, plan.FrameWidth, plan.FrameHeight, options.JpegQuality, cancellationToken);
                    if (aloneProblem is null)
                    {
                        frames[sampling.Index] = alone;
                    }
                    else
                    {
                        frameProblems[sampling.Index] = aloneProblem;
                    }
                }
            }
        }

        var audio = new Dictionary<int, (PcmAudio? Pcm, string? Problem)>();
        var withFrames = valid.Where(sampling => frames.ContainsKey(sampling.Index)).ToList();
        if (options.Audio && plan.Stream.HasAudio && withFrames.Count > 0)
        {
            var (groupStart, groupEnd) = (plan.Clips[withFrames[0].Index].Start, plan.Clips[withFrames[^1].Index].End);
            var (pcm, problem) = await ClipAudio.DecodeAsync(plan.LocalPath, groupStart, groupEnd - groupStart, options.AudioSampleRate, cancellationToken);
            foreach (var sampling in withFrames)
            {
                var clip = plan.Clips[sampling.Index];
                if (problem is null)
                {
                    audio[sampling.Index] = (Slice(pcm, clip.Start - groupStart, clip.End - groupStart), null);
                }
                else
                {
                    audio[sampling.Index] = withFrames.Count == 1 ? (null, problem) : await ClipAudio.DecodeAsync(plan.LocalPath, clip.Start, clip.Duration, options.AudioSampleRate, cancellationToken);
                }
            }
        }

        var clips = new List<VideoClip>(count);
        foreach (var sampling in samplings)
        {
            if (sampling.Refusal is { } refused)
            {
                clips.Add(refused);
            }
            else if (frameProblems.TryGetValue(sampling.Index, out var frameProblem))
            {
                clips.Add(VideoClip.Refused(sampling.Source, VideoRejectReasons.VideoUndecodable, frameProblem));
            }
            else if (audio.TryGetValue(sampling.Index, out var sound) && sound.Problem is not null)
            {
                clips.Add(VideoClip.Refused(sampling.Source, VideoRejectReasons.VideoAudioUndecodable, sound.Problem));
            }
            else
            {
                clips.Add(await AssembleAsync(plan, sampling, frames[sampling.Index], audio.GetValueOrDefault(sampling.Index).Pcm, cancellationToken));
            }
        }

        return clips;
    }

    /// <summary>The samples of [start, end) seconds of <paramref name="pcm"/>; null when none.</summary>
    private static PcmAudio? Slice(PcmAudio? pcm, double start, double end)
    {
        if (pcm is null)
        {
            return null;
        }

        var from = (int)Math.Min(pcm.Samples.Length, Math.Round(start * pcm.SampleRate));
        var to = (int)Math.Min(pcm.Samples.Length, Math.Round(end * pcm.SampleRate));
        return to > from ? new PcmAudio(pcm.SampleRate, 1, pcm.Samples[from..to]) : null;
    }

    /// <summary>Which frames of a clip are sampled, by Qwen2-VL's rule on the frames it really has, or why none can be.</summary>
    private ClipSampling Sample(VideoPlan plan, int index)
    {
        var clip = plan.Clips[index];
        var invariant = CultureInfo.InvariantCulture;
        var sourceUri = string.Create(invariant, $"{plan.Uri}#t={clip.Start:0.###},{clip.End:0.###}");
        var offset = plan.Stream.FormatStartSeconds;
        var first = plan.Clock.FirstAtOrAfter(clip.Start + offset);
        var end = plan.Clock.FirstAtOrAfter(clip.End + offset);
        var frames = end - first;
        if (frames < 1 || !VideoFrameSampling.TrySample(frames, frames / clip.Duration, options.Fps, options.MinFrames, options.MaxFrames, out var indices))
        {
            return new ClipSampling(index, sourceUri, frames, [], [], 0, VideoClip.Refused(sourceUri, VideoRejectReasons.VideoClipTooShort, string.Create(invariant, $"a clip of {clip.Duration:0.###} s holds {frames} frames: at fps {options.Fps} that is under one temporal patch of {VideoFrameSampling.TemporalPatchSize} frames")));
        }

        // Seek to just before the first sampled frame: ffmpeg lands on the keyframe at or before it and decodes on from
        // there. The frames are picked by exact timestamp, so where the seek lands never changes which.
        return new ClipSampling(
            index,
            sourceUri,
            frames,
            [.. indices.Select(i => plan.Clock.Pts[first + (int)i])],
            [.. indices.Select(i => Math.Round(plan.FileTime(first + (int)i) - clip.Start, 6))],
            plan.FileTime(first + (int)indices[0]) - 0.001,
            null);
    }

    private async ValueTask<VideoClip> AssembleAsync(VideoPlan plan, ClipSampling sampling, IReadOnlyList<byte[]> jpegs, PcmAudio? pcm, CancellationToken cancellationToken)
    {
        var (index, sourceUri, frames, times) = (sampling.Index, sampling.Source, sampling.Frames, sampling.Times);
        var clip = plan.Clips[index];
        var stored = ImmutableArray.CreateBuilder<MediaRef>(jpegs.Count);
        foreach (var jpeg in jpegs)
        {
            stored.Add(await media.PutAsync(jpeg, VideoPart.FrameMime, cancellationToken));
        }

        var parts = ImmutableArray.CreateBuilder<Part>();
        parts.Add(new VideoPart(plan.Source, Math.Round(clip.Start, 6), Math.Round(clip.Duration, 6), Math.Round(plan.Stream.AverageFps, 6), plan.FrameWidth, plan.FrameHeight, times, stored.MoveToImmutable(), Role.Content));
        var hasAudio = false;
        if (pcm is not null)
        {
            var wav = await media.PutAsync(WavFile.Write(pcm), "audio/wav", cancellationToken);
            parts.Add(new AudioPart(wav, Math.Round(pcm.DurationSeconds, 6), pcm.SampleRate, Role.Content));
            hasAudio = true;
        }

        var meta = new JsonObject
        {
            ["file_name"] = plan.FileName,
            ["clip"] = index,
            ["clips"] = plan.Clips.Count,
            ["start"] = Math.Round(clip.Start, 3),
            ["end"] = Math.Round(clip.End, 3),
            ["segmentation"] = options.Clips,
            ["codec"] = plan.Stream.Codec,
            ["container"] = plan.Stream.Container,
            ["rotation"] = plan.Stream.Rotation,
            ["source_width"] = plan.Stream.DisplayWidth,
            ["source_height"] = plan.Stream.DisplayHeight,
            ["source_frames"] = frames,
            ["variable_frame_rate"] = plan.VariableFrameRate,
            ["has_audio"] = hasAudio,
        };
        var cues = plan.Cues.Where(cue => cue.Start >= clip.Start && cue.Start < clip.End).ToList();
        if (cues.Count > 0)
        {
            parts.Add(new TextPart(string.Join('\n', cues.Select(cue => cue.Text)), Role.Target));
            meta["caption_kind"] = "subtitles";
            meta["subtitles"] = new JsonArray([.. cues.Select(cue => (JsonNode)new JsonObject
            {
                ["start"] = Math.Round(cue.Start - clip.Start, 3),
                ["end"] = Math.Round(Math.Min(cue.End, clip.End) - clip.Start, 3),
                ["text"] = cue.Text,
            })]);
        }

        return new VideoClip(sourceUri, parts.ToImmutable(), meta, null);
    }

    /// <summary>Frame intervals that differ by more than half of the shortest: a variable frame rate (informational; sampling follows the real frames either way).</summary>
    private static bool IsVariable(FrameClock clock)
    {
        long shortest = long.MaxValue, longest = 0;
        for (var k = 1; k < clock.Count; k++)
        {
            var gap = clock.Pts[k] - clock.Pts[k - 1];
            if (gap > 0)
            {
                shortest = Math.Min(shortest, gap);
                longest = Math.Max(longest, gap);
            }
        }

        return longest > 0 && longest > shortest * 3 / 2;
    }

}
