using System.Globalization;
using DataForge.Speech.Audio;

namespace DataForge.Video.Probe;

/// <summary>
/// The presentation timestamps of every frame of a video stream, in display order, from its packets (ffprobe
/// <c>-show_entries packet=pts</c>: the container's index, no decoding). With them a variable-frame-rate video is
/// sampled at the frames it really has, and a frame is later picked out by its exact timestamp.
/// </summary>
public sealed record FrameClock(long[] Pts, double TimeBase)
{
    public int Count => Pts.Length;

    public double Seconds(int frame) => Pts[frame] * TimeBase;

    /// <summary>The index of the first frame shown at or after <paramref name="seconds"/> (Count when none is).</summary>
    public int FirstAtOrAfter(double seconds)
    {
        int low = 0, high = Pts.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Seconds(middle) < seconds - 1e-9)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The clock, or why it cannot be read (the reject reason and its message): a packet without a timestamp, more frames than <paramref name="maxFrames"/>, none.</summary>
    public static async Task<(FrameClock? Clock, DataForge.Core.Stages.Contract.RejectReason? Reason, string? Problem)> ReadAsync(string path, VideoStreamInfo stream, long maxFrames, CancellationToken cancellationToken)
    {
        var pts = new List<long>();
        string? problem = null;
        DataForge.Core.Stages.Contract.RejectReason? reason = null;
        try
        {
            string[] arguments = ["-v", "error", "-select_streams", stream.Index.ToString(CultureInfo.InvariantCulture), "-show_entries", "packet=pts", "-of", "csv=p=0", path];
            await FfmpegPipe.RunAsync(FfmpegPipe.FfprobeBinary, arguments, null, async (stdout, token) =>
            {
                using var reader = new StreamReader(stdout, leaveOpen: true);
                while (await reader.ReadLineAsync(token) is { } line)
                {
                    line = line.Trim().TrimEnd(',');
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    if (!long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    {
                        reason ??= VideoRejectReasons.VideoNoTimestamps;
                        problem ??= $"packet {pts.Count} of the video stream has no timestamp ('{line}'); frames cannot be placed on the timeline";
                        continue;
                    }

                    if (pts.Count >= maxFrames)
                    {
                        reason = VideoRejectReasons.VideoTooManyFrames;
                        problem = $"the video stream has more than {maxFrames} frames (max_source_frames)";
                        return;
                    }

                    pts.Add(value);
                }
            }, cancellationToken);
        }
        catch (FfmpegFailedException e)
        {
            return (null, VideoRejectReasons.VideoUndecodable, e.Message.Replace("ffmpeg: ", "ffprobe: ", StringComparison.Ordinal).Replace(path + ": ", string.Empty, StringComparison.Ordinal));
        }

        if (problem is not null)
        {
            return (null, reason, problem);
        }

        if (pts.Count == 0)
        {
            return (null, VideoRejectReasons.VideoEmpty, "the video stream has no frames");
        }

        if (!(stream.TimeBase > 0))
        {
            return (null, VideoRejectReasons.VideoEmpty, "the video stream has no time base");
        }

        var sorted = pts.ToArray();
        Array.Sort(sorted);
        return (new FrameClock(sorted, stream.TimeBase), null, null);
    }
}
