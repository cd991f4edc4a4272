using System.Text.Json.Nodes;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Speech.Audio;
using DataForge.Speech.Text;
using DataForge.Testing;
using FFMpegCore;

namespace DataForge.Speech.Tests;

public sealed class AsrStageTests : IDisposable
{
    private static readonly string[] SampleInputs = ["speech/manifest.tsv", "speech/broadcast.srt", "speech/kaldi"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(RunResult Result, List<Sample> Samples, List<JsonObject> Rejects)> RunAsync(
        IEnumerable<string> inputs, JsonObject options, string output, int workers = 2, int tasks = 1)
    {
        options["inputs"] = new JsonArray([.. inputs.Select(input => JsonValue.Create(input))]);
        var spec = new PipelineSpec(
            "asr",
            [],
            _temp.Combine(output),
            [new StageSpec("asr", options, new SourceLocation("t", 1, 1)), new StageSpec("write", [], new SourceLocation("t", 2, 1))],
            tasks,
            RepositoryRoot.Samples);
        var result = await PipelineRuns.RunAsync(spec, [AsrStage.Definition], workers);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine(output))).ToListAsync();
        var rejects = Directory.Exists(_temp.Combine(output, "rejects"))
            ? Directory.GetFiles(_temp.Combine(output, "rejects")).SelectMany(File.ReadAllLines).Select(line => (JsonObject)JsonNode.Parse(line)!).ToList()
            : [];
        return (result, samples, rejects);
    }

    private static JsonObject SampleOptions() => new() { ["dialect"] = "cmn", ["glossary"] = "speech/glossary.txt" };

    private PcmAudio Stored(string output, AudioPart part) =>
        WavFile.Read(File.ReadAllBytes(_temp.Combine(output, MediaStore.PathOf(part.Media))));

    [Fact]
    public async Task The_samples_speech_set_gives_utterances_and_a_reject_for_every_broken_entry()
    {
        var (_, samples, rejects) = await RunAsync(SampleInputs, SampleOptions(), "out");

        // 18 clips, 4 subtitle cues, 3 Kaldi segments.
        Assert.Equal(25, samples.Count);
        var reasons = rejects.GroupBy(reject => (string)reject["reason"]!).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["audio.missing"] = 1,
                ["audio.undecodable"] = 1,
                ["duration.too_short"] = 1,
                ["audio.mostly_silence"] = 1,
                ["audio.clipped"] = 1,
                ["text.duration_mismatch"] = 1,
                ["dialect.unknown"] = 1,
                ["text.missing"] = 1,
                ["segment.out_of_range"] = 1,
                ["entry.invalid"] = 1,
            },
            reasons);
        Assert.All(samples, sample =>
        {
            Assert.Equal(["text", "audio", "text"], sample.Parts.Select(part => part.Kind));
            Assert.Equal([Role.Context, Role.Content, Role.Target], sample.Parts.Select(part => part.Role));
            Assert.Contains(sample.Split, new[] { "train", "dev", "test" });
        });
    }

    [Fact]
    public async Task Every_utterance_is_16_khz_mono_and_as_long_as_its_source()
    {
        var (_, samples, _) = await RunAsync(["speech/manifest.tsv"], SampleOptions(), "out");
        foreach (var sample in samples)
        {
            var audio = sample.Parts.OfType<AudioPart>().Single();
            var stored = Stored("out", audio);
            var source = (string)sample.MetaObject()["source_audio"]!;
            var probe = await FFProbe.AnalyseAsync(Path.Combine(RepositoryRoot.Samples, source));
            var native = probe.PrimaryAudioStream!.SampleRateHz ?? 0;
            var (original, _) = await new FfmpegDecoder(native, _temp.Path).DecodeAsync(new LocalStorage(RepositoryRoot.Samples), source, CancellationToken.None);

            Assert.Equal((16000, 1), (stored.SampleRate, stored.Channels));
            Assert.True(Math.Abs(stored.DurationSeconds - original!.DurationSeconds) < 0.02, $"{source}: {stored.DurationSeconds} s stored, {original.DurationSeconds} s in the source");
            Assert.Equal(Math.Round(stored.DurationSeconds, 3), audio.DurationSeconds);
        }
    }

    [Fact]
    public async Task Subtitle_cues_cut_the_recording_at_their_times()
    {
        var (_, samples, _) = await RunAsync(["speech/broadcast.srt"], SampleOptions(), "out");
        var cues = DataForge.Speech.Sources.SubtitleReader.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "speech", "broadcast.srt"))).Cues;

        Assert.Equal(cues.Count, samples.Count);
        for (var i = 0; i < cues.Count; i++)
        {
            var stored = Stored("out", samples[i].Parts.OfType<AudioPart>().Single());
            Assert.True(Math.Abs(stored.DurationSeconds - (cues[i].End - cues[i].Start)) < 0.02);
            Assert.Equal(cues[i].Text, ((TextPart)samples[i].Parts[2]).Text);
            Assert.Equal(cues[i].Start, (double)samples[i].MetaObject()["start"]!, 3);
        }

        // The recording's repeated name is a hotword for the cue that does not say it... and for the ones that do.
        Assert.Contains("武汉", ((TextPart)samples[2].Parts[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Untranscribed_long_audio_is_split_at_its_pauses()
    {
        await File.WriteAllTextAsync(_temp.Combine("unlabelled.jsonl"), $"{{\"audio\": \"{Path.Combine(RepositoryRoot.Samples, "speech", "broadcast.wav")}\", \"dialect\": \"cmn\", \"speaker\": \"anchor\"}}\n");
        // The manifest names the sample by its absolute path, outside the manifest's folder: allowed explicitly.
        var options = new JsonObject { ["keep_untranscribed"] = true, ["max_duration"] = 10, ["allow_paths_outside"] = true };

        var (_, samples, rejects) = await RunAsync([_temp.Combine("unlabelled.jsonl")], options, "out");

        Assert.Empty(rejects);
        Assert.Equal(4, samples.Count);
        var cues = DataForge.Speech.Sources.SubtitleReader.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Samples, "speech", "broadcast.srt"))).Cues;
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(["text", "audio"], samples[i].Parts.Select(part => part.Kind));
            var meta = samples[i].MetaObject();
            Assert.False((bool)meta["transcribed"]!);
            // Each piece holds its sentence: it overlaps its cue almost whole (cue times include espeak's own trailing
            // silence, which the VAD may leave out) and its neighbours hardly at all.
            double start = (double)meta["start"]!, end = (double)meta["end"]!;
            double Overlap(int cue) => Math.Max(0, Math.Min(end, cues[cue].End) - Math.Max(start, cues[cue].Start));
            Assert.True(Overlap(i) > 0.9 * (cues[i].End - cues[i].Start), $"piece {i}: {start}-{end} s, cue {cues[i].Start}-{cues[i].End} s");
            Assert.All(Enumerable.Range(0, 4).Where(other => other != i), other => Assert.True(Overlap(other) < 0.05));
        }
    }

    [Fact]
    public async Task Output_is_the_same_bytes_whatever_the_workers_and_the_manifests_whatever_the_tasks()
    {
        await RunAsync(SampleInputs, SampleOptions(), "one", workers: 1);
        await RunAsync(SampleInputs, SampleOptions(), "four", workers: 4);
        await RunAsync(SampleInputs, SampleOptions(), "tasks", workers: 2, tasks: 3);

        static string[] Files(string root) =>
            [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file)).Where(file => !file.StartsWith("_tasks", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(Files(_temp.Combine("one")), Files(_temp.Combine("four")));
        foreach (var file in Files(_temp.Combine("one")))
        {
            Assert.True(File.ReadAllBytes(_temp.Combine("one", file)).AsSpan().SequenceEqual(File.ReadAllBytes(_temp.Combine("four", file))), file);
        }

        foreach (var file in Files(_temp.Combine("one")).Where(file => file.StartsWith("asr/nemo", StringComparison.Ordinal) || file.StartsWith("asr/kaldi", StringComparison.Ordinal) || file == "asr/stats.json" || file.StartsWith("media", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(_temp.Combine("one", file)).AsSpan().SequenceEqual(File.ReadAllBytes(_temp.Combine("tasks", file))), file);
        }
    }

    [Fact]
    public async Task Flac_storage_holds_the_same_samples_as_wav()
    {
        var (_, wav, _) = await RunAsync(["speech/manifest.tsv"], SampleOptions(), "wav");
        var flacOptions = SampleOptions();
        flacOptions["audio_format"] = "flac";
        var (_, flac, _) = await RunAsync(["speech/manifest.tsv"], flacOptions, "flac");
        var decoder = new FfmpegDecoder(16000, _temp.Path);

        Assert.Equal(wav.Count, flac.Count);
        for (var i = 0; i < wav.Count; i += 5)
        {
            var part = flac[i].Parts.OfType<AudioPart>().Single();
            Assert.Equal("audio/flac", part.Media.Mime);
            var (decoded, _) = await decoder.DecodeAsync(new LocalStorage(_temp.Combine("flac")), MediaStore.PathOf(part.Media), CancellationToken.None);
            Assert.Equal(Stored("wav", wav[i].Parts.OfType<AudioPart>().Single()).Samples, decoded!.Samples);
        }
    }

    [Fact]
    public async Task Traditional_characters_can_be_mapped_to_simplified_on_request()
    {
        var options = SampleOptions();
        options["script"] = "simplified";

        var (_, samples, _) = await RunAsync(["speech/manifest.tsv"], options, "out");

        var targets = samples.Select(sample => ((TextPart)sample.Parts[2]).Text).ToList();
        Assert.Contains("今日香港天气好好，气温二十八度。", targets);
        Assert.DoesNotContain(targets, text => text.Contains('氣', StringComparison.Ordinal));
    }

    /// <summary>
    /// A NeMo manifest cuts one recording by offset and duration (NeMo's audio_to_text datasets load `duration`
    /// seconds from `offset`; the field names are NeMo's: audio_filepath, text, duration, offset). The cues are
    /// broadcast.srt's, so the expected cuts are known.
    /// </summary>
    [Fact]
    public async Task A_NeMo_manifest_is_cut_at_its_offsets_and_durations_not_read_as_whole_recordings()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("nemo")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "broadcast.wav"), Path.Combine(folder, "broadcast.wav"));
        (double Offset, double Duration, string Text)[] cues =
        [
            (0.0, 6.991, "各位听众早上好，欢迎收听武汉新闻。"),
            (7.691, 7.729, "今天上午，武汉长江大桥完成了年度检修。"),
            (16.12, 7.948, "长江大桥的通车时间比原计划提前了两天。"),
        ];
        await File.WriteAllLinesAsync(Path.Combine(folder, "train_manifest.json"), cues.Select(cue =>
            new JsonObject { ["audio_filepath"] = "broadcast.wav", ["duration"] = cue.Duration, ["offset"] = cue.Offset, ["text"] = cue.Text }.ToJsonString()));

        var (_, samples, rejects) = await RunAsync([Path.Combine(folder, "train_manifest.json")], SampleOptions(), "out");

        Assert.Empty(rejects);
        Assert.Equal(cues.Length, samples.Count);
        foreach (var (cue, sample) in cues.Zip(samples.OrderBy(sample => sample.MetaObject()["start"]!.GetValue<double>())))
        {
            var audio = (AudioPart)sample.Parts[1];
            Assert.True(Math.Abs(audio.DurationSeconds - cue.Duration) < 0.02, $"{audio.DurationSeconds} s for a {cue.Duration} s segment");
            Assert.Equal(TranscriptNormalizer.Normalize(cue.Text).Text, ((TextPart)sample.Parts[2]).Text);
        }
    }
}
