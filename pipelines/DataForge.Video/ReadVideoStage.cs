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

            var (cues, cueProblems) = await ReadSubtitlesAsync(file, token);
            foreach (var problem in cueProblems)
            {
                yield return StageOutcome.Reject(problem.Input, VideoRejectReasons.SubtitlesInvalidCue, problem.Message);
            }

            var reader = new VideoReader(options, run.Context.Media);
            var (plan, refusal) = await reader.PlanAsync(file.Uri, local, name, mime, cues, token);
            if (plan is null)
            {
                yield return new StageOutcome { Rejections = [refusal!] };
                yield break;
            }

            // Decode groups run in parallel, outcomes in clip order.
            var groups = VideoReader.DecodeGroups(plan).ToAsyncEnumerable();
            await foreach (var group in run.MapOrderedAsync(groups, (group, groupToken) => reader.ClipsAsync(plan, group.First, group.Count, groupToken)).WithCancellation(token))
            {
                foreach (var clip in group)
                {
                    yield return clip.Rejection is { } rejected
                        ? new StageOutcome { Rejections = [rejected] }
                        : StageOutcome.Of(new Sample(SampleIds.FromSource(clip.Source), clip.Source, clip.Parts, clip.Meta.ToJsonString(DataForgeJson.Compact)));
                }
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
