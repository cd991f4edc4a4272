using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>The Megatron export on the demo's shards, which hold image placeholders the format cannot carry.</summary>
public sealed class MegatronExportCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Shards_with_media_are_refused_by_name_unless_the_placeholders_are_kept_as_ids()
    {
        var output = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", output)).ExitCode);
        var prefix = _temp.Combine("megatron", "demo");

        var refused = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("image placeholder tokens", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--keep-placeholders", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(prefix + ".bin"));

        var kept = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix, "--keep-placeholders");
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        Assert.True(File.Exists(prefix + ".bin") && File.Exists(prefix + ".idx"));

        // Issue 22: an existing prefix is never overwritten silently.
        var before = await File.ReadAllBytesAsync(prefix + ".idx");
        var again = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix, "--keep-placeholders");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exist: pass --overwrite", again.Stderr, StringComparison.Ordinal);
        var replaced = await CliProcess.RunAsync("export", "megatron", "--shards", Path.Combine(output, "shards"), "--out", prefix, "--keep-placeholders", "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.Equal(before, await File.ReadAllBytesAsync(prefix + ".idx"));
    }

    /// <summary>
    /// The exports Megatron-LM's own reader read (tests/megatron-reference: its indexed_dataset.py at d98e8a64dd, run
    /// by bench/peers/megatron/read-export.py) are made again byte for byte, so what it saw holds: each document,
    /// split chunks included, ends with the end-of-document token and holds none inside.
    /// </summary>
    [Theory]
    [InlineData("demo", "samples/pipelines/demo.yaml", "shards", "--keep-placeholders")]
    [InlineData("chunks", "tests/megatron-reference/chunks.yaml", "", null)]
    public async Task The_export_is_the_bytes_megatron_read_and_every_document_ends_with_the_end_of_document_token(string name, string pipeline, string shards, string? flag)
    {
        using var reading = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "tests", "megatron-reference", $"{name}.json")));
        var run = _temp.Combine($"{name}-run");
        Assert.Equal(0, (await CliProcess.RunAsync("run", pipeline, "--output", run)).ExitCode);
        var prefix = _temp.Combine("megatron", name);
        string[] export = ["export", "megatron", "--shards", Path.Combine(run, shards), "--out", prefix, .. flag is null ? Array.Empty<string>() : [flag]];
        var exported = await CliProcess.RunAsync(export);
        Assert.True(exported.ExitCode == 0, exported.Stderr);

        var files = reading.RootElement.GetProperty("files_sha256");
        Assert.Equal(files.GetProperty("bin").GetString(), DataForge.Core.Hashing.Hashes.Sha256Hex(await File.ReadAllBytesAsync(prefix + ".bin")));
        Assert.Equal(files.GetProperty("idx").GetString(), DataForge.Core.Hashing.Hashes.Sha256Hex(await File.ReadAllBytesAsync(prefix + ".idx")));
        var sequences = reading.RootElement.GetProperty("sequences").GetInt32();
        Assert.True(sequences > 20);
        Assert.Equal(sequences, reading.RootElement.GetProperty("sequences_ending_with_end_of_document").GetInt32());
        Assert.Equal(0, reading.RootElement.GetProperty("end_of_document_inside_sequences").GetInt32());
        Assert.Contains($"{sequences} documents", exported.Stdout + exported.Stderr, StringComparison.Ordinal);
    }
}
