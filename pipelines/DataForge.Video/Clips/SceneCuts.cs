using System.Globalization;
using DataForge.Speech.Audio;
using DataForge.Video.Probe;

namespace DataForge.Video.Clips;

/// <summary>
/// Scene changes by ffmpeg's own scene score (the select filter's <c>scene</c> variable, 0–1: how much a frame differs
/// from the one before), printed by the metadata filter. Frames are scaled to 160 px wide first: the score barely
/// moves and the decode-bound pass gets cheaper. Timestamps are kept (<c>-copyts</c>) so cuts are on the same
/// timeline as <see cref="FrameClock"/>.
/// </summary>
public static class SceneCuts
{
    public static async Task<IReadOnlyList<double>> FindAsync(string path, VideoStreamInfo stream, double threshold, CancellationToken cancellationToken)
    {
        var invariant = CultureInfo.InvariantCulture;
        var cuts = new List<double>();
        string[] arguments =
        [
            "-v", "error", "-copyts", "-i", path, "-map", $"0:{stream.Index.ToString(invariant)}", "-an", "-sn",
            "-vf", $"scale=160:-2,select='gt(scene\\,{threshold.ToString("0.####", invariant)})',metadata=print:file=-",
            "-f", "null", "-",
        ];
        await FfmpegPipe.RunAsync(FfmpegPipe.FfmpegBinary, arguments, null, async (stdout, token) =>
        {
            using var reader = new StreamReader(stdout, leaveOpen: true);
            while (await reader.ReadLineAsync(token) is { } line)
            {
                // "frame:0    pts:38400   pts_time:3"
                var at = line.IndexOf("pts_time:", StringComparison.Ordinal);
                if (at >= 0 && double.TryParse(line[(at + 9)..].Trim(), NumberStyles.Float, invariant, out var seconds))
                {
                    cuts.Add(seconds);
                }
            }
        }, cancellationToken);
        return cuts;
    }
}
