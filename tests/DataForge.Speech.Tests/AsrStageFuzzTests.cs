using System.Text;
using System.Text.Json.Nodes;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Speech.Tests;

/// <summary>
/// The asr stage end to end over mutated manifests (TSV and JSON Lines naming the bundled recordings, with segment
/// times) and subtitles: every entry becomes an utterance or a reject, the manifests are written, and no input ends
/// its task, which an exception escaping the stage would (issue 18, item 12).
/// </summary>
public sealed class AsrStageFuzzTests(ITestOutputHelper log)
{
    private static readonly string AudioFolder = Path.Combine(RepositoryRoot.Samples, "speech", "audio");
    private static readonly string[] Tokens = ["\t", "\n", ",", "\"", "-1", "NaN", "1e308", "../", "http://x/", "file:///", "\"start\":", "\"end\":", "\"offset\":", "\"duration\":", "\\ud800", "\0", "yue", "hak"];

    [Fact]
    public async Task Mutated_manifests_run_through_the_asr_stage_to_utterances_or_reasons()
    {
        // Audio beside the manifest, named relatively: the seeds (and so the mutations) are the same wherever the
        // repository lies.
        string Row(string file, string text, string speaker, string dialect, string start, string end) => $"{file}\t{text}\t{speaker}\t{dialect}\t{start}\t{end}";
        var tsv = Encoding.UTF8.GetBytes(string.Join("\n",
            "audio\ttext\tspeaker\tdialect\tstart\tend",
            Row("hak-006.wav", "\u4f60\u597d\u4e16\u754c\u4eca\u5929", "s1", "hak", "0", "1.5"),
            Row("hak-006.wav", "\u5929\u6c14\u5f88\u597d\u554a", "s1", "hak", "1.5", "3"),
            Row("yue-001.wav", "\u4eca\u65e5\u5929\u6c23\u597d\u597d", "s2", "yue", "", "")) + "\n");
        var jsonl = Encoding.UTF8.GetBytes($"{{\"audio_filepath\": \"cmn-001.wav\", \"text\": \"\u4eca\u5929\u5317\u4eac\u5929\u6c14\u6674\u6717\", \"offset\": 0.5, \"duration\": 2, \"lang\": \"cmn\"}}\n");
        JsonObject Options(string input) => new()
        {
            ["inputs"] = new JsonArray(input),
            ["dev_fraction"] = 0,
            ["test_fraction"] = 0,
        };

        static void Audio(string folder)
        {
            foreach (var clip in new[] { "hak-006.wav", "yue-001.wav", "cmn-001.wav" })
            {
                File.Copy(Path.Combine(AudioFolder, clip), Path.Combine(folder, clip));
            }
        }

        var manifests = await Fuzzer.RunAsync("asr stage (TSV)", [tsv], 30, 31, StageFuzz.Target(AsrStage.Definition, "m.tsv", Options, Audio), dictionary: Tokens, perInput: TimeSpan.FromSeconds(60));
        var lines = await Fuzzer.RunAsync("asr stage (JSON Lines)", [jsonl], 30, 32, StageFuzz.Target(AsrStage.Definition, "m.jsonl", Options, Audio), dictionary: Tokens, perInput: TimeSpan.FromSeconds(60));

        manifests.AssertNone(log);
        lines.AssertNone(log);
    }
}
