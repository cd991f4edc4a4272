using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DataForge.Core.Model;

namespace DataForge.Core.SampleSets;

/// <summary>Between the immutable <see cref="Sample"/> and its Parquet row.</summary>
internal static class SampleRowMapper
{
    public static SampleRow ToRow(Sample sample) => new()
    {
        Id = sample.Id,
        Source = sample.Source,
        Meta = sample.Meta,
        Split = sample.Split,
        Parts = [.. sample.Parts.Select(ToRow)],
    };

    public static Sample FromRow(SampleRow row, string file)
    {
        var parts = ImmutableArray.CreateBuilder<Part>(row.Parts.Count);
        foreach (var part in row.Parts)
        {
            parts.Add(FromRow(part, row.Id, file));
        }

        return new Sample(row.Id, row.Source, parts.MoveToImmutable(), row.Meta, row.Split);
    }

    private static readonly JsonSerializerOptions WithoutEmptyColumns = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A part as its Parquet row, as JSON without the columns its kind leaves empty (inspect --json).</summary>
    public static JsonObject PartJson(Part part) =>
        JsonSerializer.SerializeToNode(ToRow(part), WithoutEmptyColumns)!.AsObject();

    private static PartRow ToRow(Part part)
    {
        var row = new PartRow { Kind = part.Kind, Role = part.Role.ToWire() };
        switch (part)
        {
            case TextPart text:
                row.Text = text.Text;
                break;
            case ImagePart image:
                row.Media = image.Media.Sha256;
                row.Mime = image.Media.Mime;
                row.Width = image.Width;
                row.Height = image.Height;
                break;
            case AudioPart audio:
                row.Media = audio.Media.Sha256;
                row.Mime = audio.Media.Mime;
                row.Duration = audio.DurationSeconds;
                row.SampleRate = audio.SampleRate;
                break;
            case VideoPart video:
                row.Media = video.Media.Sha256;
                row.Mime = video.Media.Mime;
                row.Start = video.StartSeconds;
                row.Duration = video.DurationSeconds;
                row.Fps = video.Fps;
                row.Width = video.Width;
                row.Height = video.Height;
                row.FrameTimes = [.. video.FrameTimes];
                row.Frames = [.. video.Frames.Select(frame => frame.Sha256)];
                break;
            default:
                throw Part.Unhandled(part);
        }

        return row;
    }

    private static Part FromRow(PartRow row, string sampleId, string file)
    {
        try
        {
            var role = RoleNames.Parse(row.Role);
            return row.Kind switch
            {
                "text" => new TextPart(row.Text ?? throw Missing("text"), role),
                "image" => new ImagePart(
                    new MediaRef(row.Media ?? throw Missing("media"), row.Mime ?? throw Missing("mime")),
                    row.Width ?? throw Missing("width"),
                    row.Height ?? throw Missing("height"),
                    role),
                "audio" => new AudioPart(
                    new MediaRef(row.Media ?? throw Missing("media"), row.Mime ?? throw Missing("mime")),
                    row.Duration ?? throw Missing("duration"),
                    row.SampleRate ?? throw Missing("sample_rate"),
                    role),
                "video" => Video(row, role),
                _ => throw new FormatException($"unknown part kind '{row.Kind}'"),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new DataForgeException($"{file}: sample '{sampleId}' has an invalid part: {e.Message}", e);
        }

        FormatException Missing(string field) => new($"a {row.Kind} part needs '{field}'");
    }

    private static VideoPart Video(PartRow row, Role role)
    {
        var times = row.FrameTimes ?? throw new FormatException("a video part needs 'frame_times'");
        var frames = row.Frames ?? throw new FormatException("a video part needs 'frames'");
        if (times.Count != frames.Count || frames.Count == 0)
        {
            throw new FormatException($"a video part needs as many frame_times as frames, at least one ({times.Count} and {frames.Count})");
        }

        return new VideoPart(
            new MediaRef(row.Media ?? throw new FormatException("a video part needs 'media'"), row.Mime ?? throw new FormatException("a video part needs 'mime'")),
            row.Start ?? throw new FormatException("a video part needs 'start'"),
            row.Duration ?? throw new FormatException("a video part needs 'duration'"),
            row.Fps ?? throw new FormatException("a video part needs 'fps'"),
            row.Width ?? throw new FormatException("a video part needs 'width'"),
            row.Height ?? throw new FormatException("a video part needs 'height'"),
            [.. times],
            [.. frames.Select(frame => new MediaRef(frame, VideoPart.FrameMime))],
            role);
    }
}
