using DataForge.Core.Media;
using DataForge.Core.Model;

namespace DataForge.Packing.Layout;

/// <summary>
/// A clip's tokens before they are laid out (schemas/packed-shards.md, "Video part"): its frames paired into temporal
/// patches of two (Qwen2-VL; an odd last frame is paired with itself, as the processor repeats it), each patch one
/// grid of Rows × Columns tokens at t offset floor(time × positions per second) (Qwen2.5-Omni's TMRoPE: 25 positions a
/// second, the audio token rate, so a frame and the audio heard with it share a t), and the clip's audio tokens, one
/// per 1/25 s at t offsets 0, 1, 2, …; both are cut into chunks of <c>video_chunk_seconds</c> and each chunk holds
/// its frames' tokens then its audio's.
/// </summary>
/// <param name="GroupOffsets">each temporal patch's t offset from the clip's first position, non-decreasing</param>
/// <param name="Media">the row's media entries: two frames per patch, then the audio when interleaved</param>
internal sealed record VideoTokens(ImageGrid Grid, int[] GroupOffsets, int AudioTokens, int ChunkPositions, IReadOnlyList<string> Media)
{
    /// <summary>Start and end markers (image, and audio when interleaved), patches and audio tokens.</summary>
    public long Count => 2 + ((long)GroupOffsets.Length * Grid.Tokens) + (AudioTokens > 0 ? 2 + AudioTokens : 0);

    /// <summary>The tokens of a clip, or null with the reason (a grid Qwen2-VL refuses, times that cannot be placed).</summary>
    public static (VideoTokens? Tokens, string? Reason, string? Message) For(VideoPart video, AudioPart? audio, int audioTokens, PackOptions options)
    {
        if (ImageGrid.For(video.Width, video.Height, options.ImagePatch, options.VideoMinPixels, options.VideoMaxPixels) is not { } grid)
        {
            return (null, PackRejectReasons.PackImageUnsupportedShape, FormattableString.Invariant($"video frames of {video.Width}x{video.Height}: Qwen2-VL's resize refuses sides of 0 and aspect ratios over {ImageGrid.MaxAspectRatio}"));
        }

        var times = video.FrameTimes;
        for (var k = 0; k < times.Length; k++)
        {
            if (!double.IsFinite(times[k]) || times[k] < 0 || (k > 0 && times[k] < times[k - 1]) || times[k] * options.AudioTokensPerSecond > int.MaxValue / 4)
            {
                return (null, PackRejectReasons.PackVideoInvalidTimes, FormattableString.Invariant($"frame {k} of the video part is at {times[k]} s"));
            }
        }

        var groups = (times.Length + VideoFrameSampling.TemporalPatchSize - 1) / VideoFrameSampling.TemporalPatchSize;
        var offsets = new int[groups];
        var media = new List<string>((groups * VideoFrameSampling.TemporalPatchSize) + 1);
        for (var g = 0; g < groups; g++)
        {
            var firstFrame = g * VideoFrameSampling.TemporalPatchSize;
            offsets[g] = (int)Math.Floor(times[firstFrame] * options.AudioTokensPerSecond);
            for (var f = 0; f < VideoFrameSampling.TemporalPatchSize; f++)
            {
                media.Add(video.Frames[Math.Min(firstFrame + f, times.Length - 1)].Sha256);
            }
        }

        if (audio is not null)
        {
            media.Add(audio.Media.Sha256);
        }

        var chunk = (int)Math.Round(options.VideoChunkSeconds * options.AudioTokensPerSecond);
        return (new VideoTokens(grid, offsets, audio is null ? 0 : audioTokens, chunk, media), null, null);
    }
}
