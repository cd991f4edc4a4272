using System.Globalization;
using System.Text;
using DataForge.Speech.Audio;
using DataForge.Video.Probe;
using SkiaSharp;

namespace DataForge.Video.Frames;

/// <summary>
/// Decodes exactly the sampled frames of one clip and encodes each as JPEG. ffmpeg seeks to just before the clip
/// (<c>-ss</c> as an input option, keeping the file's timestamps with <c>-copyts</c>), its select filter passes the
/// frames whose timestamps are the sampled ones (exact integers from <see cref="FrameClock"/>, so variable frame rates
/// and B-frame reordering change nothing), the scaler sizes them, and they arrive as raw RGBA through a pipe, one
/// frame in memory at a time. ffmpeg turns frames by the stream's rotation itself (autorotate) before the filters.
/// </summary>
public static class FrameExtractor
{
    public static async Task<(IReadOnlyList<byte[]> Jpegs, string? Problem)> ExtractAsync(
        string path, VideoStreamInfo stream, IReadOnlyList<long> pts, double seekSeconds, int width, int height, int jpegQuality, CancellationToken cancellationToken)
    {
        var invariant = CultureInfo.InvariantCulture;
        var select = new StringBuilder("select='");
        AppendSum(select, pts, 0, pts.Count);
        select.Append('\'');
        string[] arguments =
        [
            "-v", "error", "-ss", Math.Max(0, seekSeconds).ToString("0.######", invariant), "-copyts", "-i", path,
            "-map", $"0:{stream.Index.ToString(invariant)}", "-an", "-sn",
            "-vf", $"{select},scale={width.ToString(invariant)}:{height.ToString(invariant)}:flags=bicubic,setsar=1",
            // -frames:v: ffmpeg stops at the clip's last sampled frame; without it, it decodes on to the end of the file
            // (the bench found clip k of an hour costing the rest of the hour).
            "-fps_mode", "passthrough", "-frames:v", pts.Count.ToString(invariant), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
        ];
        var jpegs = new List<byte[]>(pts.Count);
        var frameBytes = width * height * 4;
        try
        {
            await FfmpegPipe.RunAsync(FfmpegPipe.FfmpegBinary, arguments, null, async (stdout, token) =>
            {
                var frame = new byte[frameBytes];
                while (jpegs.Count < pts.Count && await ReadFrameAsync(stdout, frame, token))
                {
                    jpegs.Add(Encode(frame, width, height, jpegQuality));
                }
            }, cancellationToken);
        }
        catch (FfmpegFailedException e)
        {
            return (jpegs, e.Message.Replace(path + ": ", string.Empty, StringComparison.Ordinal));
        }

        return jpegs.Count == pts.Count
            ? (jpegs, null)
            : (jpegs, $"ffmpeg decoded {jpegs.Count} of the clip's {pts.Count} sampled frames (the stream ends early or is damaged)");
    }

    /// <summary>
    /// eq(pts, P) terms summed as a balanced tree, (a+b)+(c+d): ffmpeg 5.1 parses a flat chain of more than about 100
    /// terms once, then fails to parse it again when the filter graph is reinitialised on the first frame ("Error
    /// while parsing expression"), and the clip would have no frames; a tree's depth is log2 of the terms.
    /// </summary>
    private static void AppendSum(StringBuilder select, IReadOnlyList<long> pts, int from, int to)
    {
        if (to - from == 1)
        {
            select.Append("eq(pts\\,").Append(pts[from].ToString(CultureInfo.InvariantCulture)).Append(')');
            return;
        }

        var middle = from + ((to - from) / 2);
        select.Append('(');
        AppendSum(select, pts, from, middle);
        select.Append('+');
        AppendSum(select, pts, middle, to);
        select.Append(')');
    }

    private static async Task<bool> ReadFrameAsync(Stream stdout, byte[] frame, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < frame.Length)
        {
            var read = await stdout.ReadAsync(frame.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            filled += read;
        }

        return true;
    }

    /// <summary>RGBA pixels as a JPEG (SkiaSharp's encoder: the same pixels give the same bytes).</summary>
    internal static byte[] Encode(byte[] rgba, int width, int height, int quality)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba) ?? throw new InvalidOperationException("SkiaSharp refused a frame's pixels");
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw new InvalidOperationException("SkiaSharp could not encode a frame as JPEG");
        return data.ToArray();
    }
}
