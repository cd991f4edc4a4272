using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;

namespace DataForge.Core.Inspect;

/// <summary>A sample as a person reads it in a terminal, and as JSON for scripts.</summary>
public static class SampleText
{
    private const int MaxTextShown = 240;

    public static string Describe(Sample sample)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine(invariant, $"── {sample.Id}  {sample.Source}{(sample.Split is null ? string.Empty : $"  [{sample.Split}]")}");
        foreach (var part in sample.Parts)
        {
            var role = part.Role.ToWire();
            switch (part)
            {
                case TextPart textPart:
                    var shown = textPart.Text.Length > MaxTextShown ? textPart.Text[..MaxTextShown] + "…" : textPart.Text;
                    text.AppendLine(invariant, $"   text/{role}: {shown.ReplaceLineEndings(" ⏎ ")}");
                    break;
                case ImagePart image:
                    text.AppendLine(invariant, $"   <image {image.Width}x{image.Height} {image.Media.Mime} {image.Media.Sha256[..12]}>/{role}");
                    break;
                case AudioPart audio:
                    text.AppendLine(invariant, $"   <audio {audio.DurationSeconds:0.00}s {audio.SampleRate} Hz {audio.Media.Sha256[..12]}>/{role}");
                    break;
                case VideoPart video:
                    text.AppendLine(invariant, $"   <video {video.DurationSeconds:0.00}s from {video.StartSeconds:0.00}s {video.Width}x{video.Height} {video.Frames.Length} frames of {video.Fps:0.##} fps {video.Media.Mime} {video.Media.Sha256[..12]}>/{role}");
                    break;
                default:
                    throw Part.Unhandled(part);
            }
        }

        if (sample.Meta != "{}")
        {
            text.AppendLine(invariant, $"   meta: {sample.Meta}");
        }

        return text.ToString();
    }

    public static JsonNode ToJson(Sample sample) => new JsonObject
    {
        ["id"] = sample.Id,
        ["source"] = sample.Source,
        ["split"] = sample.Split,
        ["meta"] = JsonNode.Parse(sample.Meta),
        ["parts"] = new JsonArray([.. sample.Parts.Select(PartJson)]),
    };

    /// <summary>A part as JSON: the sample-set row of schemas/sample-set.md, without its empty columns.</summary>
    private static JsonNode PartJson(Part part) => SampleRowMapper.PartJson(part);
}
