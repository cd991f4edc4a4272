using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>How a user learns and mistypes options on the real CLI: the answers are one line, exit 2, and name the fix.</summary>
public sealed class StageSurfaceCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Stages_NAME_prints_each_option_with_type_default_and_description_and_the_reasons()
    {
        var run = await CliProcess.RunAsync("stages", "pack");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("  seq_len  [--seq-len]  integer, default 4096\n      Tokens per row (L).", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("pack.media_document_too_long", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("loss_on_targets_only", run.Stdout, StringComparison.Ordinal);

        var unknown = await CliProcess.RunAsync("stages", "pakc");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown stage 'pakc' (did you mean 'pack'?)", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_flag_is_not_taken_for_an_input_and_names_the_nearest_flag()
    {
        var run = await CliProcess.RunAsync("pack", "samples/text", "--out", _temp.Combine("shards"), "--seqlen", "128");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: pack: unknown option '--seqlen' (did you mean '--seq-len'?) (see 'dataforge pack --help')", run.Stderr.Trim());
        Assert.False(Directory.Exists(_temp.Combine("shards")));
    }

    [Theory]
    [InlineData("pack", "--seq-len", "abc", "error: --seq-len must be an integer, not 'abc'")]
    [InlineData("pack", "--workers", "1.5", "error: Cannot parse argument '1.5' for option '--workers' as an integer.")]
    [InlineData("interleave", "--max-aspect-ratio", "wide", "error: --max-aspect-ratio must be a number, not 'wide'")]
    public async Task A_value_of_the_wrong_kind_is_one_line_without_a_dotnet_type_name(string command, string flag, string value, string expected)
    {
        var run = await CliProcess.RunAsync(command, "samples/text", "--out", _temp.Combine("out"), flag, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Stderr.Split('\n')[0].Trim());
        Assert.DoesNotContain("System.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_flags_reach_the_stage_like_yaml_options()
    {
        var byFlags = _temp.Combine("flags");
        var run = await CliProcess.RunAsync("pack", "samples/text", "--out", byFlags, "--seq-len", "128", "--end-of-document", "false", "--rows-per-shard", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var config = _temp.Combine("pack.yaml");
        await File.WriteAllTextAsync(config, "seq_len: 128\nend_of_document: false\nrows_per_shard: 2\n");
        var byConfig = _temp.Combine("config");
        Assert.Equal(0, (await CliProcess.RunAsync("pack", "samples/text", "--out", byConfig, "--config", config)).ExitCode);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(byConfig, "index.json")), await File.ReadAllTextAsync(Path.Combine(byFlags, "index.json")));
        Assert.Contains("\"end_of_document\": false", await File.ReadAllTextAsync(Path.Combine(byFlags, "index.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(byFlags, "shard-00001.parquet")), "rows_per_shard 2 rolls to a second shard file");
    }

    [Fact]
    public async Task A_derived_key_in_a_pipeline_file_is_a_usage_error()
    {
        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"output: {_temp.Combine("o")}\ninputs: [{Path.Combine(RepositoryRoot.Path, "samples", "text")}]\nstages:\n  - read-text\n  - pack: {{loss_on_targets_only: true}}\n");
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'loss_on_targets_only' of stage 'pack' is derived from its other options and cannot be set", run.Stderr, StringComparison.Ordinal);
    }
}
