using System.Text.Json.Nodes;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;

namespace DataForge.Inspect.Web;

/// <summary>
/// A sample set's samples as the page shows them, a page at a time, optionally only those whose id, source or text
/// contains a query: parts in order with their role, text (cut at <see cref="TextLimit"/> characters) and media refs.
/// </summary>
public sealed class SampleRowsView(InspectTarget target)
{
    public const int PageLimit = 50;
    public const int TextLimit = 4000;

    public async Task<JsonObject> PageAsync(long offset, int limit, string? query, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, PageLimit);
        var samples = new JsonArray();
        long matched = 0, read = 0;
        var more = false;
        await foreach (var sample in SampleSetReader.ReadAsync(target.Storage, cancellationToken))
        {
            var number = read++;
            if (query is { Length: > 0 } && !Matches(sample, query))
            {
                continue;
            }

            if (matched++ < offset)
            {
                continue;
            }

            if (samples.Count >= limit)
            {
                more = true;
                break;
            }

            samples.Add(Sample(number, sample));
        }

        return new JsonObject { ["offset"] = offset, ["limit"] = limit, ["query"] = query, ["more"] = more, ["samples"] = samples };
    }

    private static bool Matches(Sample sample, string query) =>
        sample.Id.Contains(query, StringComparison.OrdinalIgnoreCase)
        || sample.Source.Contains(query, StringComparison.OrdinalIgnoreCase)
        || sample.Parts.OfType<TextPart>().Any(part => part.Text.Contains(query, StringComparison.OrdinalIgnoreCase));

    private static JsonObject Sample(long number, Sample sample) => new()
    {
        ["index"] = number,
        ["id"] = sample.Id,
        ["source"] = sample.Source,
        ["split"] = sample.Split,
        ["meta"] = sample.Meta,
        ["parts"] = new JsonArray([.. sample.Parts.Select(Part)]),
    };

    private static JsonObject Part(Part part)
    {
        var json = new JsonObject { ["kind"] = part.Kind, ["role"] = part.Role.ToString().ToLowerInvariant() };
        switch (part)
        {
            case TextPart text:
                json["text"] = text.Text.Length > TextLimit ? text.Text[..TextLimit] : text.Text;
                json["chars"] = text.Text.Length;
                break;
            case ImagePart image:
                (json["media"], json["mime"], json["width"], json["height"]) = (image.Media.Sha256, image.Media.Mime, image.Width, image.Height);
                break;
            case AudioPart audio:
                (json["media"], json["mime"], json["seconds"], json["sample_rate"]) = (audio.Media.Sha256, audio.Media.Mime, audio.DurationSeconds, audio.SampleRate);
                break;
            case VideoPart video:
                (json["media"], json["mime"], json["seconds"], json["start"], json["fps"], json["width"], json["height"]) = (video.Media.Sha256, video.Media.Mime, video.DurationSeconds, video.StartSeconds, video.Fps, video.Width, video.Height);
                json["frames"] = new JsonArray([.. video.Frames.Select(frame => (JsonNode)frame.Sha256)]);
                json["frame_times"] = new JsonArray([.. video.FrameTimes.Select(time => (JsonNode)time)]);
                break;
            default:
                throw DataForge.Core.Model.Part.Unhandled(part);
        }

        return json;
    }
}
