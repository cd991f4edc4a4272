using System.Text;
using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Fast, seeded versions of the hostile-input campaign (bench/hostile.sh, issue 18): each input that ended a run with
/// an internal error, a hang, a crash or a silent loss is a reject with a reason or a one-line error here. The
/// campaign runs the large inputs (gigabyte files, million-letter documents) under /usr/bin/time; these run small
/// ones through the real CLI.
/// </summary>
public sealed class HostileRunTests : IDisposable
{
    private static readonly string Jpeg = Path.Combine(RepositoryRoot.Samples, "images", "scene-01.jpg");
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Images(params string[] extra)
    {
        var folder = Directory.CreateDirectory(_temp.Combine("imgs")).FullName;
        File.Copy(Jpeg, Path.Combine(folder, "ok.jpg"), overwrite: true);
        foreach (var name in extra)
        {
            File.Copy(Jpeg, Path.Combine(folder, name));
        }

        return folder;
    }

    private async Task<CliResult> RunAsync(string stages, string output = "out", params string[] extra)
    {
        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: hostile\noutput: {output}\nstages:\n{stages}");
        var result = await CliProcess.RunAsync(["run", pipeline, .. extra], null);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    private const string ReadImages = "  - read-images:\n      inputs: [imgs]\n  - write\n";

    private List<(string Reason, string Message)> Rejects(string output = "out")
    {
        var folder = _temp.Combine(output, "rejects");
        return !Directory.Exists(folder) ? [] : [.. Directory.GetFiles(folder, "*.jsonl").SelectMany(File.ReadLines).Select(line =>
        {
            using var reject = JsonDocument.Parse(line);
            return (reject.RootElement.GetProperty("reason").GetString()!, reject.RootElement.GetProperty("message").GetString()!);
        })];
    }

    private long Samples(string output = "out") =>
        JsonDocument.Parse(File.ReadAllText(_temp.Combine(output, "_manifest.json"))).RootElement.GetProperty("samples").GetInt64();

    [Fact]
    public async Task Fifos_devices_dangling_symlinks_and_symlinks_leaving_the_input_are_rejected_without_being_opened()
    {
        var folder = Images();
        Assert.Equal(0, mkfifo(Path.Combine(folder, "pipe.jpg"), 0x1B6)); // a FIFO: opening it would wait for a writer forever
        File.CreateSymbolicLink(Path.Combine(folder, "zero.jpg"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(folder, "gone.jpg"), _temp.Combine("nowhere.jpg"));
        File.Copy(Jpeg, _temp.Combine("outside.jpg"));
        File.CreateSymbolicLink(Path.Combine(folder, "outside.jpg"), _temp.Combine("outside.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "loop"), ".");

        var run = await RunAsync(ReadImages);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1, Samples()); // ok.jpg once: the loop is not walked 40 times
        var refused = Rejects().Where(reject => reject.Reason == "input.not_a_regular_file").Select(reject => reject.Message).ToList();
        Assert.Equal(5, refused.Count);
        Assert.Contains(refused, message => message.Contains("a FIFO", StringComparison.Ordinal));
        Assert.Contains(refused, message => message.Contains("a character device", StringComparison.Ordinal) || message.Contains("outside the input folder", StringComparison.Ordinal));
        Assert.Contains(refused, message => message.Contains("dangling", StringComparison.Ordinal));
        Assert.Contains(refused, message => message.Contains("folder inside the input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_with_a_backslash_and_a_file_over_max_file_bytes_are_rejects_while_the_rest_is_read()
    {
        var folder = Images("back\\slash.jpg");
        await using (var sparse = File.Create(Path.Combine(folder, "huge.png")))
        {
            sparse.SetLength(3_000_000); // over the max_file_bytes below, never read
        }

        var run = await RunAsync("  - read-images:\n      inputs: [imgs]\n      max_file_bytes: 1000000\n  - write\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1, Samples());
        Assert.Contains(Rejects(), reject => reject.Reason == "input.unsupported_name" && reject.Message.Contains("backslash", StringComparison.Ordinal));
        Assert.Contains(Rejects(), reject => reject.Reason == "input.too_large" && reject.Message.Contains("max_file_bytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stages: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nests deeper than 64")]
    [InlineData("stages: &a\n  - read-images:\n      inputs: *a\n", "alias *a refers to a node it lies inside")]
    public async Task Yaml_that_would_overflow_the_stack_or_expand_without_bound_is_a_usage_error(string yaml, string expected)
    {
        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: x\noutput: out\n{yaml}");
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aliases_expanding_past_the_node_limit_are_refused_but_a_small_alias_is_read()
    {
        var lines = new StringBuilder("      caption_extension:\n        a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 8; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"        a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        Images();
        var laughs = await RunAsync($"  - read-images:\n      inputs: [imgs]\n{lines}  - write\n");
        Assert.Equal(2, laughs.ExitCode);
        Assert.Contains("expands (aliases counted at every use) to more than 100,000 nodes", laughs.Stderr, StringComparison.Ordinal);

        var reused = await RunAsync("  - read-images:\n      inputs: &folders [imgs]\n  - filter:\n      min_width: 1\n  - write\n");
        Assert.True(reused.ExitCode == 0, reused.Stderr);
    }

    [Theory]
    [InlineData("--tasks", "2147483647", "the task count must be 1..100,000")]
    [InlineData("--workers", "2147483647", "--workers must be 1..1024")]
    public async Task Task_and_worker_counts_past_what_a_run_can_hold_are_usage_errors(string flag, string value, string expected)
    {
        Images();
        var run = await RunAsync(ReadImages, "out", flag, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - read-images:\n      inputs: [imgs]\n", "out", "writes nothing")]
    [InlineData("  - read-images:\n      inputs: [imgs]\n  - write\n  - write\n", "out", "writes to the output, as 'write' before it does")]
    [InlineData("  - read-images:\n      inputs: [imgs]\n  - write\n", "/", "is the root of the file system")]
    [InlineData("  - read-images:\n      inputs: [imgs]\n  - write\n", "imgs/out", "lies inside input 'imgs'")]
    [InlineData("  - read-images:\n      inputs: [imgs]\n  - filter:\n      min_text_chars: 1e400\n  - write\n", "out", "must be an integer, not \"1e400\"")]
    public async Task Pipelines_that_would_write_nothing_twice_or_into_their_own_input_are_refused(string stages, string output, string expected)
    {
        Images();
        var run = await RunAsync(stages, output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public async Task A_jsonl_line_with_a_duplicate_key_is_its_own_reject()
    {
        Directory.CreateDirectory(_temp.Combine("t"));
        await File.WriteAllTextAsync(_temp.Combine("t", "a.jsonl"), "{\"text\": \"a fine first record\"}\n{\"text\": \"one\", \"text\": \"two\"}\n{\"text\": \"a fine third record\"}\n");
        var run = await RunAsync("  - read-text:\n      inputs: [t]\n  - write\n");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(2, Samples());
        Assert.Contains(Rejects(), reject => reject.Reason == "jsonl.invalid_json" && reject.Message.Contains("text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Coco_ids_of_the_wrong_type_and_repeated_ids_are_rejects_of_their_entries_only()
    {
        var images = Directory.CreateDirectory(_temp.Combine("coco", "images")).FullName;
        File.Copy(Jpeg, Path.Combine(images, "a.jpg"));
        static object Square(object id, object imageId, object categoryId, int x) => new
        {
            id,
            image_id = imageId,
            category_id = categoryId,
            iscrowd = 0,
            area = 22500,
            bbox = new[] { x, 10, 150, 150 },
            segmentation = new[] { new[] { x, 10, x + 150, 10, x + 150, 160, x, 160 } },
        };
        var coco = new
        {
            images = new object[] { new { id = 1, file_name = "a.jpg", width = 477, height = 374 }, new { id = 1, file_name = "a.jpg", width = 477, height = 374 }, new { id = "2", file_name = "a.jpg", width = 477, height = 374 } },
            annotations = new[] { Square(1, 1, 1, 10), Square(1, 1, 1, 200), Square(3, "1", 1, 200), Square(4, 1, "1", 300) },
            categories = new[] { new { id = 1, name = "cup" } },
        };
        await File.WriteAllTextAsync(_temp.Combine("coco", "instances.json"), JsonSerializer.Serialize(coco));

        var run = await RunAsync("  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n      ops: [highlight]\n  - write\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(Samples() >= 1);
        var reasons = Rejects().Select(reject => reject.Reason).ToList();
        Assert.Contains("image.duplicate_id", reasons);
        Assert.Contains("annotation.duplicate_id", reasons);
        Assert.Contains("annotation.unknown_image", reasons); // image_id "1" names no image, as in pycocotools' index
        Assert.Contains("annotation.invalid", reasons); // category_id "1"
        Assert.Contains("image.invalid_entry", reasons); // id "2"
    }

    [Fact]
    public async Task A_kaldi_utterance_id_given_twice_is_a_reject_and_the_run_finishes()
    {
        var kaldi = Directory.CreateDirectory(_temp.Combine("k")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "hak-006.wav"), Path.Combine(kaldi, "a.wav"));
        const string Text = "\u4f60\u597d\u4e16\u754c\u4eca\u5929\u5929\u6c14\u5f88\u597d";
        await File.WriteAllTextAsync(Path.Combine(kaldi, "wav.scp"), "rec a.wav\n");
        await File.WriteAllTextAsync(Path.Combine(kaldi, "segments"), "u1 rec 0 1.5\nu1 rec 1.5 3.0\nu2 rec 0 1.5\n");
        await File.WriteAllTextAsync(Path.Combine(kaldi, "text"), $"u1 {Text}\nu1 {Text}\nu2 {Text}\n");
        await File.WriteAllTextAsync(Path.Combine(kaldi, "utt2spk"), "u1 s1\nu1 s1\nu2 s2\n");

        var run = await RunAsync("  - asr:\n      inputs: [k]\n      dialect: hak\n      dev_fraction: 0\n      test_fraction: 0\n      characters_per_second: [0.1, 100]\n  - write\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains(Rejects(), reject => reject.Reason == "entry.duplicate");
        Assert.True(File.Exists(_temp.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public async Task Asr_audio_named_by_a_uri_or_given_as_a_fifo_is_that_entrys_reject()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("s")).FullName;
        File.Copy(Path.Combine(RepositoryRoot.Samples, "speech", "audio", "hak-006.wav"), Path.Combine(folder, "ok.wav"));
        Assert.Equal(0, mkfifo(Path.Combine(folder, "pipe.wav"), 0x1B6));
        const string Text = "\u4f60\u597d\u4e16\u754c\u4eca\u5929\u5929\u6c14\u5f88\u597d";
        var rows = new[] { "ok.wav", "http://example.com/a.wav", "az://c/a.wav", $"file://{Path.Combine(folder, "ok.wav")}", "pipe.wav", "nul\0dir/name.wav" }
            .Select((audio, i) => $"{audio}\t{Text}\ts{i}\thak");
        await File.WriteAllTextAsync(Path.Combine(folder, "m.tsv"), "audio\ttext\tspeaker\tdialect\n" + string.Join("\n", rows) + "\n");

        var run = await RunAsync("  - asr:\n      inputs: [s/m.tsv]\n      dev_fraction: 0\n      test_fraction: 0\n      characters_per_second: [0.1, 100]\n  - write\n");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1, Samples());
        var reasons = Rejects().Select(reject => reject.Reason).ToList();
        Assert.Equal(3, reasons.Count(reason => reason == "audio.path_outside"));
        Assert.Contains("input.not_a_regular_file", reasons);
        Assert.Contains("entry.invalid", reasons); // a NUL in the path (found by the asr stage fuzz test)
    }

    [Fact]
    public async Task Status_refuses_a_plan_claiming_a_billion_tasks_and_inspect_counts_lines_that_are_not_rejects()
    {
        Directory.CreateDirectory(_temp.Combine("fake", "_tasks"));
        await File.WriteAllTextAsync(_temp.Combine("fake", "_tasks", "_plan.json"), "{\"name\": \"x\", \"tasks\": 1000000000, \"config_hash\": \"0\"}");
        var status = await CliProcess.RunAsync("status", _temp.Combine("fake"));
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("claims 1,000,000,000 tasks", status.Stderr, StringComparison.Ordinal);

        Images();
        Assert.Equal(0, (await RunAsync(ReadImages)).ExitCode);
        Directory.CreateDirectory(_temp.Combine("out", "rejects"));
        await File.WriteAllTextAsync(_temp.Combine("out", "rejects", "foreign.jsonl"), "{\"reason\": 5}\nnot json\n" + new string('[', 5000) + "\n");
        var inspect = await CliProcess.RunAsync("inspect", _temp.Combine("out"));
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Contains("(not a reject line)", inspect.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2147483647, "outside 0..16777215")]
    [InlineData(64, "which the vocabulary gives to")]
    public async Task A_tokenizer_whose_end_of_document_id_is_huge_or_a_byte_is_refused(int id, string expected)
    {
        var tokenizer = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "tests", "tokenizer-reference", "qwen2-style.tokenizer.json")))!;
        tokenizer["added_tokens"] = JsonSerializer.SerializeToElement(new[] { new { id, content = "<|endoftext|>", special = true } });
        await File.WriteAllTextAsync(_temp.Combine("tok.json"), JsonSerializer.Serialize(tokenizer));
        Directory.CreateDirectory(_temp.Combine("t"));
        await File.WriteAllTextAsync(_temp.Combine("t", "a.jsonl"), "{\"text\": \"some text to pack\"}\n");

        var run = await RunAsync($"  - read-text:\n      inputs: [t]\n  - pack:\n      seq_len: 64\n      tokenizer: {_temp.Combine("tok.json")}\n");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a test helper: one call, no marshalling to generate
    private static extern int mkfifo(string path, int mode);
#pragma warning restore SYSLIB1054
}
