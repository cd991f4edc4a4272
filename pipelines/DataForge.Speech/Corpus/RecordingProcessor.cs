using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Speech.Sources;
using DataForge.Speech.Text;

namespace DataForge.Speech.Corpus;

/// <summary>
/// Turns the entries of one recording into utterance samples: labels and transcripts are checked first (no audio is
/// decoded for an entry that would be rejected anyway), the recording is decoded once, each entry is cut at its
/// times (or the whole file is taken, or, for untranscribed audio, split at pauses), checked, stored and given its
/// context prompt. Results come back in entry order.
/// </summary>
public sealed class RecordingProcessor(
    AsrOptions options,
    MediaStore media,
    FfmpegDecoder decoder,
    IReadOnlyDictionary<string, string> splits,
    HotwordExtractor hotwords,
    Func<string, string> script)
{
    /// <summary>An end time this far past the audio's end is rounding; further is a segment outside the recording.</summary>
    private const double EndTolerance = 0.05;

    private readonly UtteranceChecks _checks = new(options);

    private sealed record Ready(AsrEntry Entry, Dialect Dialect, NormalizedTranscript? Transcript, string Speaker, bool SpeakerInferred);

    public async Task<RecordingResult> ProcessAsync(IReadOnlyList<AsrEntry> entries, CancellationToken cancellationToken)
    {
        var rejects = new List<Rejection>();
        var counters = new List<(string, long)>();
        var ready = new List<Ready>();
        foreach (var entry in entries)
        {
            if (Prepare(entry) is { } prepared)
            {
                ready.Add(prepared);
            }
            else
            {
                rejects.Add(RejectOf(entry));
            }
        }

        if (ready.Count == 0)
        {
            return RecordingResult.Of([], [], rejects, counters);
        }

        var location = ready[0].Entry.Audio!;
        if (!await location.Storage.ExistsAsync(location.Path, cancellationToken))
        {
            rejects.AddRange(ready.Select(item => new Rejection(item.Entry.Source, AsrRejectReasons.AudioMissing, $"{location.Uri} does not exist")));
            return RecordingResult.Of([], [], rejects, counters);
        }

        if (location.Storage is LocalStorage local && EntryKinds.OfTarget(Path.Combine(local.RootDirectory, location.Path)) is var kind && kind != EntryKind.Regular)
        {
            // ffmpeg would block on a FIFO until a writer comes, and read a device forever.
            rejects.AddRange(ready.Select(item => new Rejection(item.Entry.Source, CoreRejectReasons.InputNotARegularFile, $"{location.Uri} is {EntryKinds.Describe(kind)}")));
            return RecordingResult.Of([], [], rejects, counters);
        }

        var decodeSeconds = Math.Min(options.MaxRecordingSeconds, ready.Max(SecondsNeeded));
        var (audio, error) = await decoder.DecodeAsync(location.Storage, location.Path, decodeSeconds, cancellationToken);
        if (audio is null)
        {
            rejects.AddRange(ready.Select(item => new Rejection(item.Entry.Source, AsrRejectReasons.AudioUndecodable, $"{location.Uri}: {error}")));
            return RecordingResult.Of([], [], rejects, counters);
        }

        if (audio.DurationSeconds >= options.MaxRecordingSeconds - 0.01)
        {
            // The recording goes on past what is decoded: entries that need more of it are rejects, not cut short.
            var beyond = ready.Where(item => SecondsNeeded(item) > options.MaxRecordingSeconds).ToList();
            rejects.AddRange(beyond.Select(item => new Rejection(item.Entry.Source, AsrRejectReasons.DurationTooLong, $"{location.Uri} is longer than max_recording_seconds ({options.MaxRecordingSeconds:0.###} s), which is all that is decoded of a recording")));
            ready = [.. ready.Except(beyond)];
        }

        counters.Add(("recordings", 1));
        counters.Add(("recording_milliseconds", (long)Math.Round(audio.DurationSeconds * 1000)));
        var texts = ready.Select(item => item.Transcript?.Text ?? string.Empty).ToList();
        var samples = new List<Sample>();
        var rows = new List<ManifestRow>();
        for (var index = 0; index < ready.Count; index++)
        {
            var item = ready[index];
            foreach (var (cut, suffix, start, end, problem) in Cuts(item, audio))
            {
                var source = item.Entry.Source + suffix;
                if ((problem ?? _checks.Check(cut!, item.Transcript?.Text, item.Dialect.Code)) is { } found)
                {
                    rejects.Add(new Rejection(source, found.Reason, found.Message));
                    continue;
                }

                var (sample, row) = await BuildAsync(item, cut!, source, start, end, hotwords.For(texts, index, source), cancellationToken);
                samples.Add(sample);
                if (row is not null)
                {
                    rows.Add(row);
                }

                counters.Add(($"utterances.{sample.Split}.{item.Dialect.Code}", 1));
                counters.Add(($"milliseconds.{sample.Split}.{item.Dialect.Code}", (long)Math.Round(cut!.DurationSeconds * 1000)));
            }
        }

        return RecordingResult.Of(samples, rows, rejects, counters);
    }

    /// <summary>
    /// How far into the recording an entry needs audio: to its segment's end; for a whole file with a transcript,
    /// just past max_duration (any longer is duration.too_long anyway); to the end for an open segment or for
    /// untranscribed audio the VAD splits.
    /// </summary>
    private double SecondsNeeded(Ready item) => item.Entry.Entry! switch
    {
        { End: { } end } => end + 1,
        { Start: not null } => double.PositiveInfinity,
        _ when item.Transcript is null => double.PositiveInfinity,
        _ => options.MaxDuration + 1,
    };

    /// <summary>The label and transcript checks that need no audio; null when the entry is a reject (see <see cref="RejectOf"/>).</summary>
    private Ready? Prepare(AsrEntry entry)
    {
        if (entry.Entry is not { } fields || entry.Audio is null)
        {
            return null;
        }

        var label = string.IsNullOrWhiteSpace(fields.Dialect) ? options.Dialect : fields.Dialect;
        if (label is null || DialectTaxonomy.Resolve(label) is not { } dialect)
        {
            return null;
        }

        NormalizedTranscript? transcript = null;
        if (!string.IsNullOrWhiteSpace(fields.Text))
        {
            var normalized = TranscriptNormalizer.Normalize(fields.Text);
            transcript = normalized with { Text = script(normalized.Text) };
        }

        if (transcript is null && !options.KeepUntranscribed)
        {
            return null;
        }

        var (speaker, inferred) = SpeakerIds.Of(entry);
        return new Ready(entry, dialect, transcript, speaker, inferred);
    }

    private Rejection RejectOf(AsrEntry entry)
    {
        if (entry.Entry is not { } fields || entry.Audio is null)
        {
            return new Rejection(entry.Source, entry.ProblemReason ?? AsrRejectReasons.EntryInvalid, entry.Problem ?? "the entry could not be read");
        }

        var label = string.IsNullOrWhiteSpace(fields.Dialect) ? options.Dialect : fields.Dialect;
        if (label is null)
        {
            return new Rejection(entry.Source, AsrRejectReasons.DialectMissing, "the entry names no dialect and the dialect option (--dialect) is not set");
        }

        if (DialectTaxonomy.Resolve(label) is null)
        {
            return new Rejection(entry.Source, AsrRejectReasons.DialectUnknown, $"'{label}' is neither a Chinese dialect the taxonomy knows (dataforge asr --list-dialects) nor an ISO 639 / BCP-47 language (en, eng, en-US, ja)");
        }

        return new Rejection(entry.Source, AsrRejectReasons.TextMissing, "the entry has no transcript (keep_untranscribed is off)");
    }

    /// <summary>The pieces of the recording an entry stands for, each with its sample-source suffix and times, or a problem.</summary>
    private IEnumerable<(PcmAudio? Audio, string Suffix, double? Start, double? End, UtteranceProblem? Problem)> Cuts(Ready item, PcmAudio audio)
    {
        var fields = item.Entry.Entry!;
        if (fields.Start is not null || fields.End is not null)
        {
            var start = fields.Start ?? 0;
            var end = fields.End ?? audio.DurationSeconds;
            if (start >= audio.DurationSeconds || end > audio.DurationSeconds + EndTolerance)
            {
                yield return (null, string.Empty, start, end, new UtteranceProblem(AsrRejectReasons.SegmentOutOfRange, $"the segment {start:0.###}-{end:0.###} s lies outside the recording's {audio.DurationSeconds:0.###} s"));
                yield break;
            }

            var from = (int)Math.Round(start * audio.SampleRate);
            var to = Math.Min(audio.Samples.Length, (int)Math.Round(end * audio.SampleRate));
            yield return (Slice(audio, from, to), string.Empty, start, end, null);
            yield break;
        }

        if (item.Transcript is null && audio.DurationSeconds > options.MaxDuration)
        {
            var spans = new EnergyVad(options.MinDuration, options.MaxDuration).Split(audio);
            for (var piece = 0; piece < spans.Count; piece++)
            {
                var span = spans[piece];
                yield return (Slice(audio, span.Start, span.End), $"&segment={piece + 1}", span.Start / (double)audio.SampleRate, span.End / (double)audio.SampleRate, null);
            }

            yield break;
        }

        yield return (audio, string.Empty, null, null, null);
    }

    private static PcmAudio Slice(PcmAudio audio, int from, int to) => audio with { Samples = audio.Samples[from..to] };

    private async Task<(Sample Sample, ManifestRow? Row)> BuildAsync(
        Ready item, PcmAudio cut, string source, double? start, double? end, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var fields = item.Entry.Entry!;
        var (bytes, mime) = options.AudioFormat == "flac"
            ? (await FlacEncoder.EncodeAsync(cut, cancellationToken), "audio/flac")
            : (WavFile.Write(cut), "audio/wav");
        var stored = await media.PutAsync(bytes, mime, cancellationToken);
        var domain = string.IsNullOrWhiteSpace(fields.Domain) ? options.Domain : fields.Domain.Trim();
        var transcribed = item.Transcript is not null;
        var context = ContextPrompt.Build(options.PromptLanguage, item.Dialect, domain, words, transcribed);
        var duration = Math.Round(cut.DurationSeconds, 3);
        var split = splits.GetValueOrDefault(item.Speaker, SpeakerSplits.Train);
        var parts = ImmutableArray.CreateBuilder<Part>();
        parts.Add(new TextPart(context, Role.Context));
        parts.Add(new AudioPart(stored, duration, cut.SampleRate, Role.Content));
        if (transcribed)
        {
            parts.Add(new TextPart(item.Transcript!.Text, Role.Target));
        }

        var meta = new JsonObject
        {
            ["task"] = "asr",
            ["dialect"] = item.Dialect.Code,
            ["dialect_label"] = fields.Dialect ?? options.Dialect,
            ["language"] = DialectTaxonomy.Language(item.Dialect.Code),
            ["speaker"] = item.Speaker,
            ["duration"] = duration,
            ["source_audio"] = item.Entry.Audio!.Uri,
            ["hotwords"] = new JsonArray([.. words.Select(word => JsonValue.Create(word))]),
        };
        if (domain is not null)
        {
            meta["domain"] = domain;
        }

        if (item.SpeakerInferred)
        {
            meta["speaker_inferred"] = true;
        }

        if (start is not null)
        {
            meta["start"] = Math.Round(start.Value, 3);
            meta["end"] = Math.Round(end!.Value, 3);
        }

        if (fields.Utterance is { } utterance)
        {
            meta["utterance_id"] = utterance;
        }

        if (item.Transcript is { Tags.Count: > 0 } withTags)
        {
            meta["tags"] = new JsonArray([.. withTags.Tags.Select(tag => JsonValue.Create(tag))]);
        }

        if (!transcribed)
        {
            meta["transcribed"] = false;
        }

        var id = SampleIds.FromSource(source);
        var sample = new Sample(id, source, parts.ToImmutable(), meta.ToJsonString(DataForge.Core.DataForgeJson.Compact), split);
        var row = transcribed
            ? new ManifestRow(split, $"{SpeakerIds.ForKaldi(item.Speaker)}-{id}", SpeakerIds.ForKaldi(item.Speaker), MediaStore.PathOf(stored), duration, item.Transcript!.Text, item.Dialect.Code, domain, context, id)
            : null;
        return (sample, row);
    }

    /// <summary>Seconds as manifests write them: invariant, at most three decimals.</summary>
    public static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
