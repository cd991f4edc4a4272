using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DataForge.Core.Storage;
using DataForge.Core.Tables;
using DataForge.Core.Text;

namespace DataForge.Speech.Sources;

/// <summary>
/// One utterance a manifest names: its audio (relative to the manifest, or a URI), transcript, optional speaker,
/// dialect label, domain, and segment times in seconds.
/// </summary>
public sealed record ManifestEntry(int Line, string Audio, string Text, string? Speaker, string? Dialect, string? Domain, double? Start, double? End)
{
    /// <summary>The utterance id the input gives (Kaldi's utt-id, a manifest's <c>id</c> column), kept in meta.</summary>
    public string? Utterance { get; init; }
}

/// <summary>
/// Streams a speech manifest: TSV or CSV with a header row, or JSON Lines, with the columns <c>audio</c>, <c>text</c>
/// and optional <c>speaker</c>, <c>dialect</c>, <c>domain</c>, <c>start</c>, <c>end</c>. A row it cannot use is a problem with
/// its line number (a reject for the caller), never an exception.
/// </summary>
public static class ManifestReader
{
    public static async IAsyncEnumerable<(ManifestEntry? Entry, string? Problem, int Line)> ReadAsync(
        TextReader reader, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (FileFormats.Of(fileName).Format is FileFormat.Jsonl or FileFormat.Json)
        {
            var line = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                yield return FromJson(text, line);
            }

            yield break;
        }

        await foreach (var (row, problem, line) in DelimitedTable.ReadAsync(reader, DelimitedTable.SeparatorFor(fileName), cancellationToken))
        {
            yield return row is null ? (null, problem, line) : FromValues(row.Line, key => row[key]);
        }
    }

    private static (ManifestEntry?, string?, int) FromJson(string text, int line)
    {
        try
        {
            // A lone surrogate escape (json.dumps writes them) is U+FFFD in this entry, as tiktoken reads it.
            using var document = JsonDocument.Parse(LoneSurrogateEscapes.Repair(text).Text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, $"line {line} is not a JSON object", line);
            }

            var root = document.RootElement;
            return FromValues(line, key => root.TryGetProperty(key, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null);
        }
        catch (JsonException e)
        {
            return (null, $"line {line} is not valid JSON: {e.Message.Split(". Path:")[0]}", line);
        }
    }

    private static (ManifestEntry?, string?, int) FromValues(int line, Func<string, string?> get)
    {
        var audio = get("audio") ?? get("audio_filepath") ?? get("path");
        var text = get("text") ?? get("transcript") ?? get("sentence");
        if (string.IsNullOrWhiteSpace(audio))
        {
            return (null, $"line {line} names no audio", line);
        }

        if (!TryTime(get("start"), out var start) || !TryTime(get("end"), out var end))
        {
            return (null, $"line {line}: start and end must be seconds", line);
        }

        // NeMo's manifests give a segment as offset and duration (nemo/collections/asr/data/audio_to_text.py reads
        // `duration` seconds from `offset`); start/end win where both are given.
        if (!TryTime(get("offset"), out var offset) || !TryTime(get("duration"), out var duration))
        {
            return (null, $"line {line}: offset and duration must be seconds", line);
        }

        if (start is null && end is null && (offset is not null || duration is not null))
        {
            if (offset < 0 || duration <= 0)
            {
                return (null, $"line {line}: the segment at offset {offset ?? 0} s for {duration} s is empty or negative", line);
            }

            start = offset;
            end = duration is { } length ? (offset ?? 0) + length : null;
        }

        if (start is { } s && end is { } e && (s < 0 || e <= s))
        {
            return (null, $"line {line}: the segment {s}-{e} s is empty or negative", line);
        }

        var entry = new ManifestEntry(line, audio.Trim(), text ?? string.Empty, get("speaker") ?? get("speaker_id"), get("dialect") ?? get("lang") ?? get("language"), get("domain"), start, end)
        {
            Utterance = get("id") ?? get("utterance_id") ?? get("utt_id"),
        };
        return (entry, null, line);
    }

    private static bool TryTime(string? text, out double? seconds)
    {
        seconds = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            seconds = value;
            return true;
        }

        return false;
    }
}
