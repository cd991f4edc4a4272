using System.Globalization;
using System.Runtime.InteropServices;
using DataForge.Speech.Audio;

namespace DataForge.Video.Frames;

/// <summary>
/// A clip's audio track as 16-bit mono PCM at the target rate (ffmpeg decodes and resamples; <c>-ss</c>/<c>-t</c>
/// in file time, as players and subtitles count it), for the clip's Audio part. Null when the clip holds no audio
/// (a stream that ends before the clip starts).
/// </summary>
public static class ClipAudio
{
    public static async Task<(PcmAudio? Audio, string? Problem)> DecodeAsync(string path, double start, double duration, int sampleRate, CancellationToken cancellationToken)
    {
        var invariant = CultureInfo.InvariantCulture;
        using var pcm = new MemoryStream();
        string[] arguments =
        [
            // -xerror: a damaged audio packet fails the clip (video.audio_undecodable) instead of leaving a silent gap.
            "-v", "error", "-xerror", "-ss", start.ToString("0.######", invariant), "-t", duration.ToString("0.######", invariant), "-i", path,
            "-map", "0:a:0", "-vn", "-sn", "-ac", "1", "-ar", sampleRate.ToString(invariant), "-acodec", "pcm_s16le", "-f", "s16le", "pipe:1",
        ];
        try
        {
            await FfmpegPipe.RunAsync(arguments, null, pcm, cancellationToken);
        }
        catch (FfmpegFailedException e)
        {
            return (null, e.Message.Replace(path + ": ", string.Empty, StringComparison.Ordinal));
        }

        var bytes = pcm.GetBuffer().AsSpan(0, (int)pcm.Length);
        var samples = MemoryMarshal.Cast<byte, short>(bytes[..(bytes.Length / 2 * 2)]).ToArray();
        return samples.Length == 0 ? (null, null) : (new PcmAudio(sampleRate, 1, samples), null);
    }
}
