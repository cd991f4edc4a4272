using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Speech.Corpus;
using DataForge.Speech.Outputs;
using DataForge.Speech.Sources;
using DataForge.Speech.Text;

namespace DataForge.Speech;

/// <summary>
/// Dialect speech in, training utterances out: <c>[Text(context), Audio, Text(target)]</c> with 16 kHz mono audio in
/// the media store, dialect codes, speaker-disjoint splits, and NeMo and Kaldi manifests per split. Two passes over
/// the inputs' metadata: the first (over every task's inputs, so all tasks agree) counts utterances per speaker and
/// dialect and fixes the splits; the second decodes this task's recordings in parallel and writes in input order.
/// </summary>
public sealed class AsrStage(AsrOptions options) : SourceStage
{
    public static readonly StageDefinition Definition = new StageDefinition<AsrOptions>(
        "asr",
        "assemble a dialect ASR corpus: 16 kHz utterances, context prompts, speaker-disjoint splits, NeMo/Kaldi manifests",
        options => new AsrStage(options),
        [.. AsrRejectReasons.All, CoreRejectReasons.InputUnsupportedFormat],
        FinishAsync);

    /// <summary>Every reject also counts in stage_stats as rejects.&lt;reason&gt;, which asr/stats.json reports.</summary>
    protected override StageRun NewRun(StageContext context) => new(context) { CountRejectsInStats = true };

    protected override async IAsyncEnumerable<StageOutcome> ReadAsync(StageRun run)
    {
        var context = run.Context;
        var storage = new StorageFactory(context.Environment, context.BaseDirectory);
        var inputs = new AsrInputs(storage, options.AllowPathsOutside);
        var stats = run.Stats;
        var splits = await AssignSplitsAsync(inputs, context.AllInputs.Count > 0 ? context.AllInputs : context.Inputs, context.CancellationToken);
        var glossary = await ReadGlossaryAsync(storage, context.CancellationToken);
        var processor = new RecordingProcessor(
            options,
            context.Media,
            new FfmpegDecoder(options.SampleRate, context.ScratchDirectory),
            splits,
            new HotwordExtractor(glossary, options.MaxHotwords, options.Distractors, options.Seed),
            HanziScript.For(options.Script));
        var rows = new List<ManifestRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in context.Inputs)
        {
            var kind = AsrInputs.KindOf(file.Path);
            stats.Add($"inputs.{kind.ToString().ToLowerInvariant()}");
            if (kind == AsrInputKind.Companion)
            {
                continue;
            }

            context.Counters.AddInputBytes(file.Length);
            if (kind == AsrInputKind.Unsupported)
            {
                yield return StageOutcome.Reject(file.Uri, CoreRejectReasons.InputUnsupportedFormat, "asr reads manifests (.tsv, .csv, .jsonl), Kaldi directories (wav.scp) and subtitles (.srt, .vtt) beside their audio");
                continue;
            }

            var results = run.MapOrderedAsync(Recordings(inputs.ReadAsync(file, context.CancellationToken)), (recording, token) => new ValueTask<RecordingResult>(processor.ProcessAsync(recording, token)));
            await foreach (var result in results)
            {
                var (outcome, kept) = WithoutRepeats(result, seen);
                rows.AddRange(kept);
                yield return outcome;
            }
        }

        await SpeechManifests.WritePartsAsync(context.Output, context.TaskIndex, rows, context.CancellationToken);
    }

    /// <summary>
    /// Samples whose id an earlier sample of the task has (the same source twice) are rejects: two would share one
    /// Kaldi utterance id, and the finish step refuses a manifest that names an utterance twice.
    /// </summary>
    private static (StageOutcome Outcome, IReadOnlyList<ManifestRow> Rows) WithoutRepeats(RecordingResult result, HashSet<string> seen)
    {
        var kept = new List<Sample>();
        var repeated = new List<Sample>();
        foreach (var sample in result.Outcome.Samples)
        {
            (seen.Add(sample.Id) ? kept : repeated).Add(sample);
        }

        if (repeated.Count == 0)
        {
            return (result.Outcome, result.Rows);
        }

        var outcome = result.Outcome with
        {
            Samples = kept,
            Rejections = [.. result.Outcome.Rejections, .. repeated.Select(sample => new Rejection(sample.Source, AsrRejectReasons.EntryDuplicate, $"{sample.Source} names the same utterance as an earlier entry; the first is kept"))],
        };
        var keptIds = kept.Select(sample => sample.Id).ToHashSet(StringComparer.Ordinal);
        return (outcome, [.. result.Rows.Where(row => keptIds.Remove(row.SampleId))]);
    }

    /// <summary>Consecutive entries with the same audio form one recording (decoded once); an unreadable entry stands alone.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<AsrEntry>> Recordings(IAsyncEnumerable<AsrEntry> entries)
    {
        var group = new List<AsrEntry>();
        await foreach (var entry in entries)
        {
            if (group.Count > 0 && (entry.RecordingKey is null || entry.RecordingKey != group[0].RecordingKey))
            {
                yield return group;
                group = [];
            }

            group.Add(entry);
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> AssignSplitsAsync(AsrInputs inputs, IReadOnlyList<InputFile> files, CancellationToken cancellationToken)
    {
        var table = new SpeakerSplits();
        foreach (var file in files)
        {
            await foreach (var entry in inputs.ReadAsync(file, cancellationToken))
            {
                if (entry.Entry is not { } fields)
                {
                    continue;
                }

                var label = string.IsNullOrWhiteSpace(fields.Dialect) ? options.Dialect : fields.Dialect;
                var dialect = label is null ? null : DialectTaxonomy.Resolve(label);
                table.Add(SpeakerIds.Of(entry).Speaker, dialect?.Code ?? "unknown");
            }
        }

        return table.Assign(options.DevFraction, options.TestFraction, options.Seed);
    }

    private async Task<IReadOnlyList<string>> ReadGlossaryAsync(StorageFactory storage, CancellationToken cancellationToken)
    {
        if (options.Glossary is null)
        {
            return [];
        }

        var parent = StoragePaths.Directory(options.Glossary.Replace('\\', '/'));
        var folder = storage.Open(parent.Length == 0 ? "." : parent);
        var name = StoragePaths.FileName(options.Glossary.Replace('\\', '/'));
        if (!await folder.ExistsAsync(name, cancellationToken))
        {
            throw new UsageException($"asr: the glossary {options.Glossary} does not exist");
        }

        var text = System.Text.Encoding.UTF8.GetString(await folder.ReadAllBytesAsync(name, cancellationToken));
        return [.. text.Split('\n')
            .Select(line => TranscriptNormalizer.Normalize(line.TrimStart('\uFEFF')).Text)
            .Where(term => term.Length > 0 && !term.StartsWith('#'))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>When every task is done: merges the tasks' manifests per split and writes asr/stats.json.</summary>
    private static async Task FinishAsync(AsrOptions options, StageFinishContext context)
    {
        var summaries = await SpeechManifests.MergeAsync(context.Output, context.TaskReports.Count, context.CancellationToken);
        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var report in context.TaskReports.OfType<JsonObject>())
        {
            foreach (var (name, value) in report)
            {
                if (value is JsonValue number && number.TryGetValue<long>(out var count))
                {
                    counters[name] = counters.GetValueOrDefault(name) + count;
                }
            }
        }

        await StorageJson.WriteAsync(context.Output, $"{SpeechManifests.Folder}/stats.json", AsrStatistics.Build(summaries, counters), context.CancellationToken);
    }
}
