using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Speech.Sources;
using DataForge.Video.Clips;
using DataForge.Video.Frames;
using DataForge.Video.Probe;

namespace DataForge.Video;

/// <summary>
/// Source of video clips (DESIGN.md §1): <c>[Video(content), Audio(content)?, Text(target: subtitles)?]</c> per clip.
/// Each file is probed (ffprobe: no decode, so a huge resolution is refused first), its frame clock read from the
/// container's packets, cut into clips (fixed windows, scene changes or whole), and each clip's frames are sampled
/// by Qwen2-VL's rule (<see cref="VideoFrameSampling"/>) on the frames the clip really has, decoded by ffmpeg
/// picking them by timestamp, and stored as JPEG. The source video is stored once and shared by its clips. Clips
/// of one video are processed in parallel, outcomes in clip order; nothing holds more than one decoded frame per clip.
/// </summary>
public sealed class ReadVideoStage(ReadVideoOptions options) : SourceStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<ReadVideoOptions>("read-video", "cut videos into clips: frames sampled on their timeline, the audio track and sidecar subtitles", options => new ReadVideoStage(options),
            [CoreRejectReasons.InputUnsupportedFormat, .. VideoRejectReasons.All]);

    protected override async IAsyncEnumerable<StageOutcome> ReadFileAsync(InputFile file, StageRun run)
    {
        var token = run.CancellationToken;
        var name = StoragePaths.FileName(file.Path);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (options.SubtitleExtensions.Any(subtitle => string.Equals(subtitle, extension, StringComparison.OrdinalIgnoreCase)))
        {
            yield return await HasVideoBesideAsync(file, token)
                ? StageOutcome.Nothing
                : StageOutcome.Reject(file.Uri, VideoRejectReasons.SubtitlesOrphan, "a subtitle file with no video of the same name beside it");
            yield break;
        }

        if (MimeTypes.OfVideoExtension(extension) is not { } mime)
        {
            yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, $"read-video reads {string.Join(", ", FileFormats.VideoExtensions)} files (and their {string.Join(", ", options.SubtitleExtensions)} subtitles)");
            yield break;
        }

        string? temporary = null;
        try
        {
            string local;
            if (file.Storage is LocalStorage root)
            {
                local = Path.Combine(root.RootDirectory, file.Path);
            }
            else
            {
                // ffmpeg seeks in the file for every clip: a remote object is copied to the task's scratch first.
                temporary = Path.Combine(run.Context.ScratchDirectory, $"video-{Guid.NewGuid():N}{extension}");
                await using (var source = await file.Storage.OpenReadAsync(file.Path, token))
                await using (var copy = File.Create(temporary))
                {
                    await source.CopyToAsync(copy, token);
                }

                local = temporary;
            }

            var (plan, refusal, cueProblems) = await PlanAsync(file, local, name, mime, run.Context, token);
            foreach (var problem in cueProblems)
            {
                yield return StageOutcome.Reject(problem.Input, VideoRejectReasons.SubtitlesInvalidCue, problem.Message);
            }

            if (plan is null)
            {
                yield return new StageOutcome { Rejections = [refusal!] };
                yield break;
            }

            var clips = plan.Clips.Select((clip, index) => (clip, index)).ToAsyncEnumerable();
            await foreach (var outcome in run.MapOrderedAsync(clips, (item, clipToken) => ClipAsync(plan, item.index, item.clip, run.Context, clipToken)).WithCancellation(token))
            {
                yield return outcome;
            }
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }

        run.Context.Counters.AddInputBytes(file.Length);
    }

    private async Task<(VideoPlan? Plan, Rejection? Refusal, IReadOnlyList<Rejection> CueProblems)> PlanAsync(InputFile file, string local, string name, string mime, StageContext context, CancellationToken cancellationToken)
    {
        var (info, problem, noVideo) = await VideoProbe.ProbeAsync(local, cancellationToken);
        if (info is null)
        {
            return (null, new Rejection(file.Uri, noVideo ? VideoRejectReasons.VideoNoVideoStream : VideoRejectReasons.VideoUndecodable, problem!), []);
        }

        if ((long)info.Width * info.Height > options.MaxSourcePixels)
        {
            return (null, new Rejection(file.Uri, VideoRejectReasons.VideoTooLarge, string.Create(CultureInfo.InvariantCulture, $"{info.Width}x{info.Height} frames are over max_source_pixels {options.MaxSourcePixels}")), []);
        }

        var (clock, clockProblem, tooMany) = await FrameClock.ReadAsync(local, info, options.MaxSourceFrames, cancellationToken);
        if (clock is null)
        {
            var reason = tooMany ? VideoRejectReasons.VideoTooManyFrames
                : clockProblem!.Contains("no timestamp", StringComparison.Ordinal) ? VideoRejectReasons.VideoNoTimestamps
                : clockProblem.StartsWith("the video stream has no", StringComparison.Ordinal) ? VideoRejectReasons.VideoEmpty
                : VideoRejectReasons.VideoUndecodable;
            return (null, new Rejection(file.Uri, reason, clockProblem!), []);
        }

        // The video ends one frame after its last frame starts: as long as the gap before it (variable rates end at
        // their own rate), else the average rate's frame.
        var frameSeconds = clock.Count > 1 ? clock.Seconds(clock.Count - 1) - clock.Seconds(clock.Count - 2) : info.AverageFps > 0 ? 1 / info.AverageFps : 0;
        var total = clock.Seconds(clock.Count - 1) - info.FormatStartSeconds + frameSeconds;
        if (!(total > 0))
        {
            return (null, new Rejection(file.Uri, VideoRejectReasons.VideoEmpty, string.Create(CultureInfo.InvariantCulture, $"the video stream's {clock.Count} frames span no time")), []);
        }

        var clips = options.Clips switch
        {
            "scene" => ClipPlanner.Scenes(total, (await SceneCuts.FindAsync(local, info, options.SceneThreshold, cancellationToken)).Select(cut => cut - info.FormatStartSeconds), options.MinClipSeconds, options.MaxClipSeconds),
            "whole" => ClipPlanner.Whole(total, options.MaxClipSeconds),
            _ => ClipPlanner.Fixed(total, options.ClipSeconds, options.MinClipSeconds),
        };

        var (cues, cueProblems) = await ReadSubtitlesAsync(file, cancellationToken);
        var source = await context.Media.PutFileAsync(local, mime, cancellationToken);
        var (width, height) = FrameSize.Under(info.DisplayWidth, info.DisplayHeight, options.MaxFramePixels);
        return (new VideoPlan(local, file.Uri, name, info, clock, source, width, height, clips, cues, IsVariable(clock)), null, cueProblems);
    }

    private async ValueTask<StageOutcome> ClipAsync(VideoPlan plan, int index, ClipWindow clip, StageContext context, CancellationToken cancellationToken)
    {
        var invariant = CultureInfo.InvariantCulture;
        var sourceUri = string.Create(invariant, $"{plan.Uri}#t={clip.Start:0.###},{clip.End:0.###}");
        var offset = plan.Stream.FormatStartSeconds;
        var first = plan.Clock.FirstAtOrAfter(clip.Start + offset);
        var end = plan.Clock.FirstAtOrAfter(clip.End + offset);
        var frames = end - first;
        if (frames < 1 || !VideoFrameSampling.TrySample(frames, frames / clip.Duration, options.Fps, options.MinFrames, options.MaxFrames, out var indices))
        {
            return StageOutcome.Reject(sourceUri, VideoRejectReasons.VideoClipTooShort, string.Create(invariant, $"a clip of {clip.Duration:0.###} s holds {frames} frames: at fps {options.Fps} that is under one temporal patch of {VideoFrameSampling.TemporalPatchSize} frames"));
        }

        var pts = indices.Select(i => plan.Clock.Pts[first + (int)i]).ToList();
        var times = indices.Select(i => Math.Round(plan.FileTime(first + (int)i) - clip.Start, 6)).ToImmutableArray();
        var seek = plan.FileTime(first + (int)indices[0]) - 1.0;
        var (jpegs, frameProblem) = await FrameExtractor.ExtractAsync(plan.LocalPath, plan.Stream, pts, seek, plan.FrameWidth, plan.FrameHeight, options.JpegQuality, cancellationToken);
        if (frameProblem is not null)
        {
            return StageOutcome.Reject(sourceUri, VideoRejectReasons.VideoUndecodable, frameProblem);
        }

        var stored = ImmutableArray.CreateBuilder<MediaRef>(jpegs.Count);
        foreach (var jpeg in jpegs)
        {
            stored.Add(await context.Media.PutAsync(jpeg, VideoPart.FrameMime, cancellationToken));
        }

        var parts = ImmutableArray.CreateBuilder<Part>();
        parts.Add(new VideoPart(plan.Source, Math.Round(clip.Start, 6), Math.Round(clip.Duration, 6), Math.Round(plan.Stream.AverageFps, 6), plan.FrameWidth, plan.FrameHeight, times, stored.MoveToImmutable(), Role.Content));
        var hasAudio = false;
        if (options.Audio && plan.Stream.HasAudio)
        {
            var (pcm, audioProblem) = await ClipAudio.DecodeAsync(plan.LocalPath, clip.Start, clip.Duration, options.AudioSampleRate, cancellationToken);
            if (audioProblem is not null)
            {
                return StageOutcome.Reject(sourceUri, VideoRejectReasons.VideoAudioUndecodable, audioProblem);
            }

            if (pcm is not null)
            {
                var wav = await context.Media.PutAsync(WavFile.Write(pcm), "audio/wav", cancellationToken);
                parts.Add(new AudioPart(wav, Math.Round(pcm.DurationSeconds, 6), pcm.SampleRate, Role.Content));
                hasAudio = true;
            }
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

        return StageOutcome.Of(new Sample(SampleIds.FromSource(sourceUri), sourceUri, parts.ToImmutable(), meta.ToJsonString(DataForgeJson.Compact)));
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

    private async Task<(IReadOnlyList<SubtitleCue> Cues, IReadOnlyList<Rejection> Problems)> ReadSubtitlesAsync(InputFile video, CancellationToken cancellationToken)
    {
        foreach (var extension in options.SubtitleExtensions)
        {
            var path = Path.ChangeExtension(video.Path, extension);
            if (!await video.Storage.ExistsAsync(path, cancellationToken))
            {
                continue;
            }

            await using var stream = await video.Storage.OpenReadAsync(path, cancellationToken);
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
            var (cues, problems) = SubtitleReader.Parse(await reader.ReadToEndAsync(cancellationToken));
            var uri = Path.ChangeExtension(video.Uri, extension);
            return (cues.OrderBy(cue => cue.Start).ThenBy(cue => cue.Index).ToList(), [.. problems.Select(problem => new Rejection(uri, VideoRejectReasons.SubtitlesInvalidCue, problem))]);
        }

        return ([], []);
    }

    private async Task<bool> HasVideoBesideAsync(InputFile subtitles, CancellationToken cancellationToken)
    {
        foreach (var extension in FileFormats.VideoExtensions)
        {
            foreach (var candidate in new[] { extension, extension.ToUpperInvariant() })
            {
                if (await subtitles.Storage.ExistsAsync(Path.ChangeExtension(subtitles.Path, candidate), cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
