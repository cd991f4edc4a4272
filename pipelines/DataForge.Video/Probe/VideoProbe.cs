using System.Globalization;
using System.Text.Json;
using DataForge.Speech.Audio;

namespace DataForge.Video.Probe;

/// <summary>What ffprobe says of a file's first video stream (attached cover pictures are not video) and its audio.</summary>
/// <param name="Width">coded width of the stream, before rotation</param>
/// <param name="Rotation">degrees of the stream's display matrix (ffprobe's <c>rotation</c>; ffmpeg turns frames by it when decoding)</param>
/// <param name="AverageFps">avg_frame_rate (frames over duration), else r_frame_rate; 0 when neither is known</param>
/// <param name="TimeBase">seconds per unit of the stream's timestamps</param>
/// <param name="StartSeconds">the stream's start_time (MPEG-TS streams start anywhere)</param>
/// <param name="FormatStartSeconds">the file's start_time: what players and subtitles count as 0, and where ffmpeg's -ss counts from</param>
public sealed record VideoStreamInfo(
    int Index,
    string Codec,
    int Width,
    int Height,
    int Rotation,
    double AverageFps,
    double TimeBase,
    double StartSeconds,
    double DurationSeconds,
    bool HasAudio,
    string Container,
    double FormatStartSeconds)
{
    /// <summary>Rotated by a quarter turn: the displayed frame is the coded one on its side.</summary>
    public bool QuarterTurned => Math.Abs(Rotation) % 180 == 90;

    public int DisplayWidth => QuarterTurned ? Height : Width;

    public int DisplayHeight => QuarterTurned ? Width : Height;
}

/// <summary>
/// Runs <c>ffprobe -show_streams -show_format -of json</c> (ffprobe's JSON writer, ffprobe.xsd names the fields) and
/// reads the first video stream. No frame is decoded, so a huge resolution is refused here, before any decoder
/// allocates it.
/// </summary>
public static class VideoProbe
{
    /// <summary>The stream, or the reason the file is not a video ffmpeg can read.</summary>
    public static async Task<(VideoStreamInfo? Info, string? Problem, bool NoVideoStream)> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        using var json = new MemoryStream();
        try
        {
            await FfmpegPipe.RunAsync(FfmpegPipe.FfprobeBinary, ["-v", "error", "-show_streams", "-show_format", "-of", "json", path], null, (stdout, token) => stdout.CopyToAsync(json, token), cancellationToken);
        }
        catch (FfmpegFailedException e)
        {
            return (null, e.Message.Replace("ffmpeg: ", "ffprobe: ", StringComparison.Ordinal).Replace(path + ": ", string.Empty, StringComparison.Ordinal), false);
        }

        json.Position = 0;
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    internal static (VideoStreamInfo? Info, string? Problem, bool NoVideoStream) Read(JsonElement root)
    {
        var container = root.TryGetProperty("format", out var format) && format.TryGetProperty("format_name", out var name) ? name.GetString() ?? "?" : "?";
        var formatDuration = format.ValueKind == JsonValueKind.Object ? Number(format, "duration") : double.NaN;
        var formatStart = format.ValueKind == JsonValueKind.Object ? Number(format, "start_time") : double.NaN;
        if (!root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
        {
            return (null, "ffprobe lists no streams", true);
        }

        JsonElement? video = null;
        var hasAudio = false;
        foreach (var stream in streams.EnumerateArray())
        {
            var type = stream.TryGetProperty("codec_type", out var codecType) ? codecType.GetString() : null;
            if (type == "audio")
            {
                hasAudio = true;
            }
            else if (type == "video" && video is null && !IsAttachedPicture(stream))
            {
                video = stream;
            }
        }

        if (video is not { } v)
        {
            return (null, $"the {container} file has no video stream ({streams.GetArrayLength()} other stream(s): audio, subtitles or a cover picture)", true);
        }

        var width = Int(v, "width");
        var height = Int(v, "height");
        if (width < 1 || height < 1)
        {
            return (null, $"the video stream declares a size of {width}x{height}", false);
        }

        var fps = Rational(v, "avg_frame_rate");
        if (!(fps > 0))
        {
            fps = Rational(v, "r_frame_rate");
        }

        var timeBase = Rational(v, "time_base");
        var duration = Number(v, "duration");
        if (!(duration > 0))
        {
            duration = formatDuration;
        }

        var start = Number(v, "start_time");
        return (new VideoStreamInfo(
            Int(v, "index"),
            v.TryGetProperty("codec_name", out var codec) ? codec.GetString() ?? "?" : "?",
            width,
            height,
            RotationOf(v),
            fps > 0 && double.IsFinite(fps) ? fps : 0,
            timeBase > 0 && double.IsFinite(timeBase) ? timeBase : 0,
            double.IsFinite(start) ? start : 0,
            duration > 0 && double.IsFinite(duration) ? duration : 0,
            hasAudio,
            container,
            double.IsFinite(formatStart) ? formatStart : 0), null, false);
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) && disposition.TryGetProperty("attached_pic", out var pic) && pic.ValueKind == JsonValueKind.Number && pic.GetInt32() == 1;

    /// <summary>The display matrix's rotation (side data), else the legacy <c>rotate</c> tag; a multiple of 90 or 0.</summary>
    private static int RotationOf(JsonElement stream)
    {
        double degrees = 0;
        if (stream.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (item.TryGetProperty("rotation", out var rotation) && rotation.ValueKind == JsonValueKind.Number)
                {
                    degrees = rotation.GetDouble();
                }
            }
        }
        else if (stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var rotate) && double.TryParse(rotate.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var tagged))
        {
            degrees = tagged;
        }

        return (int)Math.Round(degrees / 90) * 90 % 360;
    }

    private static int Int(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;

    /// <summary>ffprobe writes durations and times as strings ("6.000000") and "N/A" when unknown.</summary>
    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
        && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : double.NaN;

    /// <summary>"25/1", "30000/1001", "1/12800"; "0/0" is unknown.</summary>
    private static double Rational(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.GetString() is not { } text || text.Split('/') is not [var numerator, var denominator])
        {
            return double.NaN;
        }

        return long.TryParse(numerator, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && long.TryParse(denominator, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) && d != 0
            ? n / (double)d
            : double.NaN;
    }
}
