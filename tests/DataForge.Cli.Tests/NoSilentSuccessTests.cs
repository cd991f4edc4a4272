using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>Issue 22: a run that produced nothing is a failure that says why, never an exit 0 with an empty output.</summary>
public sealed class NoSilentSuccessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pack_whose_every_record_is_rejected_exits_1_with_the_reasons_and_where_they_are()
    {
        var corpus = _temp.Combine("bad.jsonl");
        await File.WriteAllLinesAsync(corpus, ["{\"text\": 5}", "not json at all", "{\"no_text\": \"x\"}"]);
        var pack = await CliProcess.RunAsync("pack", corpus, "--out", _temp.Combine("out"), "--seq-len", "256");
        Assert.Equal(1, pack.ExitCode);
        Assert.Contains("nothing was produced: every record was rejected (3 rejects (", pack.Stderr, StringComparison.Ordinal);
        Assert.Contains("rejects/)", pack.Stderr, StringComparison.Ordinal);
        Assert.Contains("3 rejects (", pack.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", pack.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_reads_no_record_exits_1_and_a_pack_summary_does_not_read_like_data_loss()
    {
        var empty = _temp.Combine("empty.jsonl");
        await File.WriteAllTextAsync(empty, string.Empty);
        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: empty\ninputs: [{empty}]\noutput: {_temp.Combine("set")}\nstages:\n  - read-text\n  - write\n");
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing was produced: no record was read", run.Stderr, StringComparison.Ordinal);

        var good = _temp.Combine("good.jsonl");
        await File.WriteAllLinesAsync(good, Enumerable.Range(0, 20).Select(i => $$"""{"text":"document {{i}} of a small corpus"}"""));
        var pack = await CliProcess.RunAsync("pack", good, "--out", _temp.Combine("shards"), "--seq-len", "256");
        Assert.True(pack.ExitCode == 0, pack.Stderr);
        Assert.Contains("20 samples read this run, 20 documents in ", pack.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("in the sample set", pack.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_on_shards_whose_media_are_not_found_is_an_error_unless_no_media()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        var moved = _temp.Combine("elsewhere", "shards");
        Directory.CreateDirectory(moved);
        foreach (var file in Directory.GetFiles(Path.Combine(set, "shards")))
        {
            File.Copy(file, Path.Combine(moved, Path.GetFileName(file)));
        }

        var train = await CliProcess.RunAsync("train", "--shards", moved, "--out", _temp.Combine("run"), "--steps", "1", "--threads", "2");
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("image tokens, but no media/ was found", train.Stderr, StringComparison.Ordinal);
        Assert.Contains("--no-media", train.Stderr, StringComparison.Ordinal);

        var plain = await CliProcess.RunAsync("train", "--shards", moved, "--out", _temp.Combine("run-plain"), "--steps", "1", "--threads", "2", "--no-media");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var both = await CliProcess.RunAsync("train", "--shards", moved, "--out", _temp.Combine("run-both"), "--steps", "1", "--media", set, "--no-media");
        Assert.Equal(2, both.ExitCode);
    }

    [Fact]
    public async Task Inspect_options_that_do_not_apply_to_the_input_are_errors()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        var decodeOnSet = await CliProcess.RunAsync("inspect", set, "--decode", "0");
        Assert.Equal(2, decodeOnSet.ExitCode);
        Assert.Contains("--decode does not apply to a sample set", decodeOnSet.Stderr, StringComparison.Ordinal);
        var htmlOnSet = await CliProcess.RunAsync("inspect", set, "--html", _temp.Combine("r.html"));
        Assert.True(htmlOnSet.ExitCode == 0, htmlOnSet.Stderr); // --html applies to sample sets since issue 23
        Assert.Contains("media inlined", htmlOnSet.Stderr, StringComparison.Ordinal);
        var showOnShards = await CliProcess.RunAsync("inspect", Path.Combine(set, "shards"), "--show", "2");
        Assert.Equal(2, showOnShards.ExitCode);
        Assert.Contains("--show does not apply to packed shards", showOnShards.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await CliProcess.RunAsync("inspect", Path.Combine(set, "shards"), "--decode", "0")).ExitCode);
    }
}
