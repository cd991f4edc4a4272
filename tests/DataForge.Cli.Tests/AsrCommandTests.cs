using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge asr</c> on the bundled speech set: utterances, prompts, splits, manifests, rejects.</summary>
public sealed class AsrCommandTests : IDisposable
{
    private static readonly string[] Inputs = ["samples/speech/manifest.tsv", "samples/speech/broadcast.srt", "samples/speech/kaldi"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> RunSamplesAsync()
    {
        var output = _temp.Combine("asr");
        var run = await CliProcess.RunAsync([.. Inputs.Prepend("asr"), "--dialect", "cmn", "--glossary", "samples/speech/glossary.txt", "--out", output, "--workers", "2"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("25 in the sample set (50 text, 0 image, 25 audio parts), 10 rejects", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"train\s+\d+ utterances", run.Stdout);
        return output;
    }

    private static async Task<List<JsonObject>> ShownSamplesAsync(string output)
    {
        var show = await CliProcess.RunAsync("inspect", output, "--json", "--show", "100");
        return [.. JsonNode.Parse(show.Stdout)!["samples_shown"]!.AsArray().Select(node => node!.AsObject())];
    }

    [Fact]
    public async Task The_samples_give_dialect_coded_utterances_with_context_prompts_in_speaker_disjoint_splits()
    {
        var output = await RunSamplesAsync();
        var samples = await ShownSamplesAsync(output);

        Assert.Equal(25, samples.Count);
        var expected = new Dictionary<string, string> { ["cmn"] = "普通话", ["yue"] = "粤语", ["hak"] = "客家话" };
        foreach (var sample in samples)
        {
            var meta = sample["meta"]!.AsObject();
            var dialect = (string)meta["dialect"]!;
            var source = (string)meta["source_audio"]!;
            // The clip's file name starts with its dialect (cmn-001.wav; the broadcast is Mandarin, the Kaldi talk Cantonese).
            var fileDialect = source.Contains("broadcast", StringComparison.Ordinal) ? "cmn" : source.Contains("yue-talk", StringComparison.Ordinal) ? "yue" : Path.GetFileName(source)[..3];
            Assert.Equal(fileDialect, dialect);
            var context = (string)sample["parts"]![0]!["text"]!;
            Assert.Contains($"方言：{expected[dialect]}（{dialect}）", context, StringComparison.Ordinal);
            Assert.Equal("context", (string)sample["parts"]![0]!["role"]!);
            Assert.Equal("target", (string)sample["parts"]![2]!["role"]!);
        }

        var splitsBySpeaker = samples
            .GroupBy(sample => (string)sample["meta"]!["speaker"]!)
            .ToDictionary(group => group.Key, group => group.Select(sample => (string)sample["split"]!).Distinct().ToList());
        Assert.All(splitsBySpeaker, pair => Assert.Single(pair.Value));
        Assert.Equal(["dev", "test", "train"], splitsBySpeaker.Values.SelectMany(splits => splits).Distinct().Order());
    }

    [Fact]
    public async Task Nemo_and_kaldi_manifests_parse_back_and_agree_with_the_samples()
    {
        var output = await RunSamplesAsync();
        var samples = (await ShownSamplesAsync(output)).ToDictionary(sample => (string)sample["id"]!);
        var speakersBySplit = new Dictionary<string, HashSet<string>>();
        var total = 0;
        foreach (var split in new[] { "train", "dev", "test" })
        {
            var nemoPath = Path.Combine(output, "asr", "nemo", $"{split}.jsonl");
            var lines = await File.ReadAllLinesAsync(nemoPath);
            total += lines.Length;
            foreach (var line in lines)
            {
                using var entry = JsonDocument.Parse(line);
                var root = entry.RootElement;
                var audio = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(nemoPath)!, root.GetProperty("audio_filepath").GetString()!));
                var bytes = await File.ReadAllBytesAsync(audio);
                // 16-bit mono 16 kHz: the canonical 44-byte header, then samples.
                Assert.Equal(16000, BitConverter.ToInt32(bytes, 24));
                Assert.Equal(1, BitConverter.ToInt16(bytes, 22));
                Assert.Equal((bytes.Length - 44) / 32000.0, root.GetProperty("duration").GetDouble(), 3);
                var sample = samples[root.GetProperty("sample_id").GetString()!];
                Assert.Equal((string)sample["parts"]![2]!["text"]!, root.GetProperty("text").GetString());
                Assert.Equal(split, (string)sample["split"]!);
                Assert.Equal(sample["meta"]!["dialect"]!.GetValue<string>(), root.GetProperty("lang").GetString());
            }

            var kaldi = Path.Combine(output, "asr", "kaldi", split);
            var keys = new Dictionary<string, List<string>>();
            foreach (var file in new[] { "wav.scp", "text", "utt2spk", "utt2dur", "utt2lang" })
            {
                var fileLines = await File.ReadAllLinesAsync(Path.Combine(kaldi, file));
                keys[file] = [.. fileLines.Select(line => line.Split(' ')[0])];
                Assert.Equal(keys[file].Order(StringComparer.Ordinal), keys[file]);
            }

            Assert.All(keys.Values, list => Assert.Equal(keys["wav.scp"], list));
            Assert.Equal(lines.Length, keys["text"].Count);
            var utt2spk = (await File.ReadAllLinesAsync(Path.Combine(kaldi, "utt2spk"))).Select(line => line.Split(' ')).ToList();
            var spk2utt = (await File.ReadAllLinesAsync(Path.Combine(kaldi, "spk2utt"))).Select(line => line.Split(' ')).ToList();
            Assert.Equal(utt2spk.Select(pair => pair[1]).Distinct().Order(StringComparer.Ordinal), spk2utt.Select(fields => fields[0]));
            Assert.All(spk2utt, fields => Assert.All(fields.Skip(1), utterance => Assert.Contains(new[] { utterance, fields[0] }, utt2spk, new SequenceComparer())));
            Assert.All(utt2spk, pair => Assert.StartsWith(pair[1] + "-", pair[0], StringComparison.Ordinal));
            Assert.All((await File.ReadAllLinesAsync(Path.Combine(kaldi, "wav.scp"))).Select(line => line.Split(' ')[1]), media => Assert.True(File.Exists(Path.Combine(output, media))));
            speakersBySplit[split] = [.. spk2utt.Select(fields => fields[0])];
        }

        Assert.Equal(25, total);
        Assert.Empty(speakersBySplit["train"].Intersect(speakersBySplit["dev"]));
        Assert.Empty(speakersBySplit["train"].Intersect(speakersBySplit["test"]));
        Assert.Empty(speakersBySplit["dev"].Intersect(speakersBySplit["test"]));

        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "asr", "stats.json")));
        Assert.Equal(25, stats.RootElement.GetProperty("utterances").GetInt32());
        Assert.Equal(0, stats.RootElement.GetProperty("speakers_in_two_splits").GetInt32());
        Assert.Equal(10, stats.RootElement.GetProperty("rejects").GetProperty("total").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("rejects").GetProperty("by_reason").GetProperty("audio.clipped").GetInt32());
        Assert.Equal(3, stats.RootElement.GetProperty("dialects").EnumerateObject().Count());
    }

    [Fact]
    public async Task Asr_takes_any_language_by_ISO_639_or_BCP_47_with_a_prompt_naming_the_language()
    {
        // Issue 22: 'en' was "not in the taxonomy". English transcripts over a sample clip (7.6 s), rated in words.
        var folder = _temp.Combine("english");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "cmn-001.wav"), Path.Combine(folder, "a.wav"));
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "cmn-001.wav"), Path.Combine(folder, "b.wav"));
        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.tsv"), "audio\ttext\tspeaker\tdialect\na.wav\tThe weather in the city is clear today with a high of twenty five degrees\tspk-a\ten-US\nb.wav\tTurn right in five hundred metres onto the main avenue and keep going\tspk-b\t\n");
        var output = _temp.Combine("asr-en");
        var run = await CliProcess.RunAsync("asr", Path.Combine(folder, "manifest.tsv"), "--dialect", "eng", "--prompt-language", "en", "--out", output, "--workers", "1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var samples = await ShownSamplesAsync(output);
        Assert.Equal(2, samples.Count);
        Assert.All(samples, sample => Assert.Equal("eng", (string)sample["meta"]!["dialect"]!));
        Assert.All(samples, sample => Assert.Contains("Language: English (eng).", (string)sample["parts"]![0]!["text"]!, StringComparison.Ordinal));
        Assert.Contains(samples, sample => (string)sample["meta"]!["dialect_label"]! == "en-US");
    }

    [Fact]
    public async Task List_dialects_prints_the_taxonomy()
    {
        var run = await CliProcess.RunAsync("asr", "--list-dialects");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("yue ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("cmn-sichuan", run.Stdout, StringComparison.Ordinal);
        Assert.True(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 24);
    }

    [Theory]
    [InlineData("--format", "mp3", "audio_format must be wav or flac")]
    [InlineData("--dialect", "elvish", "dialect 'elvish' is neither a Chinese dialect")]
    [InlineData("--dev", "0.6", "must leave some data for training")]
    public async Task Bad_options_are_usage_errors(string option, string value, string message)
    {
        var run = await CliProcess.RunAsync("asr", "samples/speech/manifest.tsv", option, value, "--test", "0.5", "--out", _temp.Combine("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_glossary_is_a_usage_error()
    {
        var run = await CliProcess.RunAsync("asr", "samples/speech/manifest.tsv", "--glossary", "nowhere.txt", "--out", _temp.Combine("x"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nowhere.txt does not exist", run.Stderr, StringComparison.Ordinal);
    }

    private sealed class SequenceComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => obj.Length;
    }
}
