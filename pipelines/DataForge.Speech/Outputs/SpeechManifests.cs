using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Speech.Corpus;

namespace DataForge.Speech.Outputs;

/// <summary>
/// The manifests speech toolkits read, per split: NeMo JSON Lines (<c>asr/nemo/{split}.jsonl</c>, audio paths relative
/// to the manifest as NeMo resolves them) and a Kaldi data directory (<c>asr/kaldi/{split}/</c>: wav.scp, text, utt2spk,
/// spk2utt, utt2dur, utt2lang; audio paths relative to the sample set's folder, where Kaldi is to be run). Each task
/// writes its rows sorted by utterance id into <c>asr/parts/</c>; the finish step merges them (k-way, streaming), so the
/// files are the same whatever the number of tasks. Every line of every file is in Kaldi's sort order (bytewise
/// utterance id, speaker first).
/// </summary>
public static class SpeechManifests
{
    public const string Folder = "asr";

    public static string PartPath(string split, int task) => $"{Folder}/_parts/{split}-{task:D5}.jsonl";

    public static async Task WritePartsAsync(IStorage output, int task, IEnumerable<ManifestRow> rows, CancellationToken cancellationToken)
    {
        var bySplit = rows.GroupBy(row => row.Split).ToDictionary(group => group.Key, group => group.OrderBy(row => row.UtteranceId, KaldiOrder.Instance).ToList());
        foreach (var split in SpeakerSplits.Names)
        {
            await using var write = await output.BeginWriteAsync(PartPath(split, task), cancellationToken);
            await using (var writer = new StreamWriter(write.Stream, new UTF8Encoding(false), leaveOpen: true))
            {
                foreach (var row in bySplit.GetValueOrDefault(split) ?? [])
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(row, DataForgeJson.Compact));
                }
            }

            await write.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Merges the tasks' parts into the final manifests and returns what they hold, for the stats.</summary>
    public static async Task<IReadOnlyList<SplitSummary>> MergeAsync(IStorage output, int tasks, CancellationToken cancellationToken)
    {
        var summaries = new List<SplitSummary>();
        foreach (var split in SpeakerSplits.Names)
        {
            var readers = new List<StreamReader>();
            try
            {
                for (var task = 0; task < tasks; task++)
                {
                    readers.Add(new StreamReader(await output.OpenReadAsync(PartPath(split, task), cancellationToken)));
                }

                summaries.Add(await MergeSplitAsync(output, split, readers, cancellationToken));
            }
            finally
            {
                foreach (var reader in readers)
                {
                    reader.Dispose();
                }
            }
        }

        return summaries;
    }

    private static async Task<SplitSummary> MergeSplitAsync(IStorage output, string split, List<StreamReader> readers, CancellationToken cancellationToken)
    {
        var kaldi = $"{Folder}/kaldi/{split}";
        var files = new[] { $"{Folder}/nemo/{split}.jsonl", $"{kaldi}/wav.scp", $"{kaldi}/text", $"{kaldi}/utt2spk", $"{kaldi}/spk2utt", $"{kaldi}/utt2dur", $"{kaldi}/utt2lang" };
        var writes = new List<IAtomicWrite>();
        var writers = new List<StreamWriter>();
        var summary = new SplitSummary(split);
        try
        {
            foreach (var file in files)
            {
                var write = await output.BeginWriteAsync(file, cancellationToken);
                writes.Add(write);
                writers.Add(new StreamWriter(write.Stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" });
            }

            var (nemo, wavScp, text, utt2spk, spk2utt, utt2dur, utt2lang) = (writers[0], writers[1], writers[2], writers[3], writers[4], writers[5], writers[6]);
            string? speaker = null;
            var speakerUtterances = new StringBuilder();
            async Task FlushSpeaker()
            {
                if (speaker is not null)
                {
                    await spk2utt.WriteLineAsync($"{speaker}{speakerUtterances}");
                }
            }

            await foreach (var row in MergeSorted(readers, cancellationToken))
            {
                summary.Add(row);
                await nemo.WriteLineAsync(NemoLine(row));
                await wavScp.WriteLineAsync($"{row.UtteranceId} {row.MediaPath}");
                await text.WriteLineAsync($"{row.UtteranceId} {OneLine(row.Text)}");
                await utt2spk.WriteLineAsync($"{row.UtteranceId} {row.Speaker}");
                await utt2dur.WriteLineAsync($"{row.UtteranceId} {RecordingProcessor.Seconds(row.Duration)}");
                await utt2lang.WriteLineAsync($"{row.UtteranceId} {row.Dialect}");
                if (row.Speaker != speaker)
                {
                    await FlushSpeaker();
                    speaker = row.Speaker;
                    speakerUtterances.Clear();
                }

                speakerUtterances.Append(' ').Append(row.UtteranceId);
            }

            await FlushSpeaker();
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }

            writers.Clear();
            foreach (var write in writes)
            {
                await write.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }

            foreach (var write in writes)
            {
                await write.DisposeAsync();
            }
        }

        return summary;
    }

    /// <summary>NeMo's fields first (audio_filepath, duration, text, lang), then what a user filters on.</summary>
    public static string NemoLine(ManifestRow row)
    {
        var line = new JsonObject
        {
            ["audio_filepath"] = $"../../{row.MediaPath}",
            ["duration"] = row.Duration,
            ["text"] = row.Text,
            ["lang"] = row.Dialect,
            ["dialect"] = row.Dialect,
            ["speaker"] = row.Speaker,
            ["domain"] = row.Domain,
            ["context"] = row.Context,
            ["utterance_id"] = row.UtteranceId,
            ["sample_id"] = row.SampleId,
        };
        return line.ToJsonString(DataForgeJson.Compact);
    }

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>K-way merge of sorted part files by utterance id; memory is one row per part.</summary>
    private static async IAsyncEnumerable<ManifestRow> MergeSorted(List<StreamReader> readers, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = new PriorityQueue<(ManifestRow Row, int Reader), string>(KaldiOrder.Instance);
        async Task Advance(int index)
        {
            if (await readers[index].ReadLineAsync(cancellationToken) is { Length: > 0 } line)
            {
                var row = JsonSerializer.Deserialize<ManifestRow>(line, DataForgeJson.Compact)
                    ?? throw new DataForgeException($"a manifest part holds an empty row: {line}");
                queue.Enqueue((row, index), row.UtteranceId);
            }
        }

        for (var index = 0; index < readers.Count; index++)
        {
            await Advance(index);
        }

        string? previous = null;
        while (queue.TryDequeue(out var next, out _))
        {
            if (next.Row.UtteranceId == previous)
            {
                throw new DataForgeException($"utterance id {previous} is in two tasks' manifests; the input names one utterance twice");
            }

            previous = next.Row.UtteranceId;
            yield return next.Row;
            await Advance(next.Reader);
        }
    }
}

/// <summary>What one split's manifests hold: utterances and seconds per dialect, and its speakers.</summary>
public sealed class SplitSummary(string split)
{
    public string Split { get; } = split;

    public SortedDictionary<string, long> Utterances { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, double> Seconds { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Speakers { get; } = new(StringComparer.Ordinal);

    public void Add(ManifestRow row)
    {
        Utterances[row.Dialect] = Utterances.GetValueOrDefault(row.Dialect) + 1;
        Seconds[row.Dialect] = Seconds.GetValueOrDefault(row.Dialect) + row.Duration;
        Speakers.Add(row.Speaker);
    }
}
