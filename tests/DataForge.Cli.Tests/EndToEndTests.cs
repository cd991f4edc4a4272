using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using DataForge.Testing;
using DuckDB.NET.Data;

namespace DataForge.Cli.Tests;

/// <summary>The real CLI on the bundled samples: what a user types, what they get back.</summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Demo = "samples/pipelines/demo.yaml";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_demo_writes_a_sample_set_that_DuckDB_reads_with_the_documented_schema()
    {
        var output = _temp.Combine("demo");
        var run = await CliProcess.RunAsync("run", Demo, "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")));
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        var samples = manifest.RootElement.GetProperty("samples").GetInt64();
        Assert.True(samples > 10, $"only {samples} samples");

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var describe = connection.CreateCommand();
        describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{output}/part-*.parquet')";
        var schema = new List<string>();
        using (var reader = describe.ExecuteReader())
        {
            while (reader.Read())
            {
                schema.Add($"{reader.GetString(0)} {reader.GetString(1)}");
            }
        }

        Assert.Equal(
            [
                "id VARCHAR",
                "source VARCHAR",
                "parts STRUCT(kind VARCHAR, \"role\" VARCHAR, \"text\" VARCHAR, media VARCHAR, mime VARCHAR, width INTEGER, height INTEGER, duration DOUBLE, sample_rate INTEGER, \"start\" DOUBLE, fps DOUBLE, frame_times DOUBLE[], frames VARCHAR[])[]",
                "meta VARCHAR",
                "split VARCHAR",
            ],
            schema);

        using var count = connection.CreateCommand();
        count.CommandText = $"""
            SELECT count(*), count(DISTINCT id), sum(len(parts))::BIGINT,
                   count(*) FILTER (WHERE list_contains(list_transform(parts, p -> p.kind), 'image'))
            FROM read_parquet('{output}/part-*.parquet')
            """;
        using var totals = count.ExecuteReader();
        totals.Read();
        Assert.Equal(samples, totals.GetInt64(0));
        Assert.Equal(samples, totals.GetInt64(1));
        var parts = manifest.RootElement.GetProperty("parts");
        Assert.Equal(parts.GetProperty("text").GetInt64() + parts.GetProperty("image").GetInt64() + parts.GetProperty("audio").GetInt64(), totals.GetInt64(2));
        Assert.True(totals.GetInt64(3) >= 8, "the captioned images of samples/images are in the set");

        var reasons = manifest.RootElement.GetProperty("rejects").GetProperty("by_reason");
        foreach (var reason in new[] { "image.corrupt", "image.truncated", "image.too_small", "jsonl.invalid_json", "text.missing_field", "dedup.exact_duplicate" })
        {
            Assert.True(reasons.TryGetProperty(reason, out _), $"no '{reason}' reject in {reasons}");
        }
    }

    [Fact]
    public async Task A_rerun_skips_finished_tasks_and_changes_no_byte()
    {
        var output = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", Demo, "--output", output)).ExitCode);
        var before = Snapshot(output);

        var rerun = await CliProcess.RunAsync("run", Demo, "--output", output);

        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains("tasks run 0, skipped (already done) 1", rerun.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public async Task A_killed_run_resumed_gives_the_same_bytes_as_an_uninterrupted_one()
    {
        var input = _temp.Combine("corpus");
        Directory.CreateDirectory(input);
        for (var file = 0; file < 12; file++)
        {
            await File.WriteAllLinesAsync(
                Path.Combine(input, $"f{file:D2}.jsonl"),
                Enumerable.Range(0, 8000).Select(line => $$"""{"text":"file {{file}} line {{line}} {{new string('z', line % 50)}}"}"""));
        }

        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: corpus\ninputs: [corpus]\noutput: out\ntasks: 6\nstages:\n  - read-text\n  - filter: {{min_text_chars: 3}}\n  - write: {{row_group_size: 500}}\n");

        // Kill the process as soon as it reports its first finished task: a node dying mid-run.
        using (var process = Process.Start(CliProcess.StartInfo(["run", pipeline, "--workers", "1", "--verbose"]))!)
        {
            var firstTaskDone = new TaskCompletionSource();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains(" done:", StringComparison.Ordinal) == true)
                {
                    firstTaskDone.TrySetResult();
                }
            };
            process.BeginErrorReadLine();
            await Task.WhenAny(firstTaskDone.Task, process.WaitForExitAsync());
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.False(File.Exists(_temp.Combine("out", "_SUCCESS")), "the kill landed after the run had finished; the test proves nothing");
        var resumed = await CliProcess.RunAsync("run", pipeline);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        var cleanPipeline = _temp.Combine("clean.yaml");
        await File.WriteAllTextAsync(cleanPipeline, (await File.ReadAllTextAsync(pipeline)).Replace("output: out", "output: clean", StringComparison.Ordinal));
        Assert.Equal(0, (await CliProcess.RunAsync("run", cleanPipeline, "--workers", "4")).ExitCode);
        AssertSameFiles(Snapshot(_temp.Combine("clean")), _temp.Combine("out"));
    }

    [Fact]
    public async Task Inspect_summarises_the_set_as_text_and_json_and_shows_samples()
    {
        var output = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", Demo, "--output", output)).ExitCode);

        var text = await CliProcess.RunAsync("inspect", output, "--show", "2");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("(complete)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("image.corrupt", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("<image ", text.Stdout, StringComparison.Ordinal);

        var json = await CliProcess.RunAsync("inspect", output, "--json", "--show", "1");
        using var summary = JsonDocument.Parse(json.Stdout);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "_manifest.json")));
        Assert.Equal(manifest.RootElement.GetProperty("samples").GetInt64(), summary.RootElement.GetProperty("samples").GetInt64());
        Assert.Equal(manifest.RootElement.GetProperty("rejects").GetProperty("total").GetInt64(), summary.RootElement.GetProperty("rejects").EnumerateObject().Sum(reason => reason.Value.GetInt64()));
        Assert.Equal(1, summary.RootElement.GetProperty("samples_shown").GetArrayLength());
    }

    [Fact]
    public async Task Broken_yaml_exits_2_with_file_line_and_column_and_no_stack_trace()
    {
        var pipeline = _temp.Combine("bad.yaml");
        await File.WriteAllTextAsync(pipeline, "output: out\nstages:\n  - read-text: {text_field: [\n");
        var result = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"^error: .*bad\.yaml:\d+:\d+: invalid YAML", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task An_unknown_stage_exits_2_and_lists_the_known_stages()
    {
        var pipeline = _temp.Combine("unknown.yaml");
        await File.WriteAllTextAsync(pipeline, "inputs: [x]\noutput: out\nstages:\n  - read-text\n  - dedupe\n");
        var result = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(":5:5: unknown stage 'dedupe' (known stages: asr, caption, dedup-exact, filter, interleave, mix, pack, read-chat, read-images, read-samples, read-table, read-text, read-video, read-webdataset, seg2edit, write)", result.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_missing_input_exits_1_naming_it()
    {
        var pipeline = _temp.Combine("missing.yaml");
        await File.WriteAllTextAsync(pipeline, "inputs: [no-such-folder]\noutput: out\nstages: [read-text, write]\n");
        var result = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: not found: no-such-folder", result.Stderr.Trim());
    }

    [Fact]
    public async Task Bad_command_lines_exit_2_and_help_exits_0()
    {
        Assert.Equal(2, (await CliProcess.RunAsync("run")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync("frobnicate")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync("run", Demo, "--workers", "0")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync("run", "no-such-pipeline.yaml")).ExitCode);
        var help = await CliProcess.RunAsync("run", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--task-index", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_of_something_that_is_not_a_sample_set_exits_1()
    {
        var result = await CliProcess.RunAsync("inspect", _temp.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is neither a sample set", result.Stderr, StringComparison.Ordinal);
    }

    private static void AssertNoStackTrace(CliResult result) =>
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);

    /// <summary>Asserts <paramref name="folder"/> holds exactly <paramref name="expected"/>'s files with the same bytes; returns its snapshot.</summary>
    internal static SortedDictionary<string, byte[]> AssertSameFiles(SortedDictionary<string, byte[]> expected, string folder)
    {
        var actual = Snapshot(folder);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(expected, file => Assert.True(file.Value.SequenceEqual(actual[file.Key]), $"{file.Key} differs"));
        return actual;
    }

    internal static SortedDictionary<string, byte[]> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (!(name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = File.ReadAllBytes(file);
            }
        }

        return files;
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureEndToEndTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_demo_written_to_az_gives_the_same_files_as_written_to_disk()
    {
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };
        var local = _temp.Combine("local");
        Assert.Equal(0, (await CliProcess.RunAsync(["run", "samples/pipelines/demo.yaml", "--output", local], environment)).ExitCode);
        var remote = await CliProcess.RunAsync(["run", "samples/pipelines/demo.yaml", "--output", "az://demo/runs/one"], environment);
        Assert.True(remote.ExitCode == 0, remote.Stderr);

        var container = new BlobContainerClient(azurite.ConnectionString, "demo");
        var blobs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "runs/one/" }))
        {
            var content = await container.GetBlobClient(blob.Name).DownloadContentAsync();
            blobs[blob.Name["runs/one/".Length..]] = content.Value.Content.ToArray();
        }

        Assert.Equal(EndToEndTests.Snapshot(local), blobs);

        var inspect = await CliProcess.RunAsync(["inspect", "az://demo/runs/one", "--json"], environment);
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("\"complete\": true", inspect.Stdout, StringComparison.Ordinal);
    }
}
