using System.Globalization;
using System.Runtime.CompilerServices;
using DataForge.Core.Storage;

namespace DataForge.Speech.Sources;

/// <summary>
/// A Kaldi data directory: <c>wav.scp</c> (recording id → audio path), <c>text</c> (utterance id → transcript),
/// <c>utt2spk</c>, and optional <c>segments</c> (utterance id → recording id, start, end) and <c>utt2lang</c> or
/// <c>utt2dialect</c>. Utterances stream in the order of <c>text</c>; the small id maps are read first. Relative audio
/// paths resolve against the directory. A <c>wav.scp</c> command (<c>sox … |</c>) is a problem for that utterance: running
/// shell commands from an input file is not something a data tool should do.
/// </summary>
public static class KaldiDirectoryReader
{
    public const string WavScp = "wav.scp";

    /// <summary>Files that belong to a Kaldi directory: given as inputs themselves, they are read through their <c>wav.scp</c>.</summary>
    public static readonly IReadOnlySet<string> CompanionFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "utt2spk", "spk2utt", "segments", "utt2lang", "utt2dialect", "utt2dur", "utt2num_frames", "reco2dur",
        "reco2file_and_channel", "spk2gender", "feats.scp", "cmvn.scp", "frame_shift", "wav.scp",
    };

    public static async IAsyncEnumerable<(ManifestEntry? Entry, string? Problem, int Line)> ReadAsync(
        IStorage storage, string folder, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string PathOf(string name) => folder.Length == 0 ? name : $"{folder}/{name}";

        var recordings = await ReadMapAsync(storage, PathOf(WavScp), cancellationToken);
        if (!await storage.ExistsAsync(PathOf("text"), cancellationToken))
        {
            yield return (null, "the Kaldi directory has no 'text' file", 0);
            yield break;
        }

        var speakers = await ReadMapAsync(storage, PathOf("utt2spk"), cancellationToken);
        var languages = await ReadMapAsync(storage, PathOf("utt2dialect"), cancellationToken);
        if (languages.Count == 0)
        {
            languages = await ReadMapAsync(storage, PathOf("utt2lang"), cancellationToken);
        }

        var segmented = await storage.ExistsAsync(PathOf("segments"), cancellationToken);
        var segments = await ReadMapAsync(storage, PathOf("segments"), cancellationToken);

        await using var stream = await storage.OpenReadAsync(PathOf("text"), cancellationToken);
        using var reader = new StreamReader(stream);
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            var (utterance, transcript) = Split(text);
            if (utterance.Length == 0)
            {
                continue;
            }

            yield return Resolve(line, utterance, transcript, segmented, segments, recordings, speakers, languages);
        }
    }

    private static (ManifestEntry?, string?, int) Resolve(
        int line, string utterance, string transcript, bool segmented, Dictionary<string, string> segments,
        Dictionary<string, string> recordings, Dictionary<string, string> speakers, Dictionary<string, string> languages)
    {
        var recording = utterance;
        double? start = null, end = null;
        if (segmented)
        {
            if (!segments.TryGetValue(utterance, out var segment))
            {
                return (null, $"text line {line}: utterance '{utterance}' is not in 'segments'", line);
            }

            var fields = segment.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var from)
                || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var to))
            {
                return (null, $"segments: utterance '{utterance}' needs 'recording start end', not '{segment}'", line);
            }

            if (from < 0 || (to <= from && to != -1))
            {
                return (null, $"segments: utterance '{utterance}' spans {from}-{to} s, which is empty or negative", line);
            }

            (recording, start, end) = (fields[0], from, to == -1 ? null : to);
        }

        if (!recordings.TryGetValue(recording, out var location))
        {
            return (null, $"text line {line}: recording '{recording}' is not in 'wav.scp'", line);
        }

        if (location.EndsWith('|') || location.StartsWith("ark:", StringComparison.Ordinal) || location.Contains(".ark:", StringComparison.Ordinal))
        {
            return (null, $"wav.scp: recording '{recording}' is a command or an archive ('{location}'); give a file path (commands are not run)", line);
        }

        var entry = new ManifestEntry(line, location, transcript, speakers.GetValueOrDefault(utterance), languages.GetValueOrDefault(utterance), null, start, end)
        {
            Utterance = utterance,
        };
        return (entry, null, line);
    }

    /// <summary>A "key rest-of-line" file as a map; a file that is not there is an empty map.</summary>
    private static async Task<Dictionary<string, string>> ReadMapAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await storage.ExistsAsync(path, cancellationToken))
        {
            return map;
        }

        await using var stream = await storage.OpenReadAsync(path, cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var (key, value) = Split(line);
            if (key.Length > 0)
            {
                map[key] = value;
            }
        }

        return map;
    }

    private static (string Key, string Value) Split(string line)
    {
        var trimmed = line.Trim();
        var space = trimmed.IndexOfAny([' ', '\t']);
        return space < 0 ? (trimmed, string.Empty) : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }
}
