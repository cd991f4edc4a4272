using System.Runtime.CompilerServices;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

public sealed class PipelineRunnerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_run_writes_parts_manifest_task_markers_and_success_last()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 6, recordsPerFile: 20);
        var spec = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("out"), tasks: 3);

        var result = await TestPipelines.RunAsync(TestPipelines.Runner(), spec);

        var manifest = Assert.IsType<SampleSetManifest>(result.Manifest);
        Assert.Equal(120, manifest.Samples);
        Assert.Equal(["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"], manifest.Files.Select(file => file.Name));
        Assert.True(File.Exists(_temp.Combine("out", "_SUCCESS")));
        Assert.All(Enumerable.Range(0, 3), task => Assert.True(File.Exists(_temp.Combine("out", "_tasks", $"{task:D5}", "_SUCCESS"))));
        foreach (var file in manifest.Files)
        {
            Assert.Equal(file.Sha256, DataForge.Core.Hashing.Hashes.Sha256Hex(await File.ReadAllBytesAsync(_temp.Combine("out", file.Name))));
        }

        var ids = new List<string>();
        await foreach (var sample in SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("out"))))
        {
            ids.Add(sample.Id);
        }

        Assert.Equal(120, ids.Distinct().Count());
    }

    [Fact]
    public async Task Output_bytes_do_not_depend_on_the_number_of_workers()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 8, recordsPerFile: 30);
        await TestPipelines.RunAsync(TestPipelines.Runner(), TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("one"), tasks: 4), workers: 1);
        await TestPipelines.RunAsync(TestPipelines.Runner(), TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("many"), tasks: 4), workers: 8);

        Assert.Equal(TestPipelines.Snapshot(_temp.Combine("one")), TestPipelines.Snapshot(_temp.Combine("many")));
    }

    [Fact]
    public async Task A_crash_mid_task_then_a_rerun_gives_byte_identical_output_and_skips_finished_tasks()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 9, recordsPerFile: 25);
        // Crash in the last task that has at least two files, so earlier tasks finish first (one worker runs them in order).
        var filesPerTask = Enumerable.Range(0, 9)
            .GroupBy(file => DataForge.Core.Hashing.Hashes.Bucket($"shard-{file:D3}.jsonl", 3))
            .ToDictionary(group => group.Key, group => group.Count());
        var crashTask = filesPerTask.Where(pair => pair.Value >= 2 && pair.Key > 0).Max(pair => pair.Key);
        var crash = TestPipelines.Stage("crash", ("task", crashTask), ("after_samples", 30));
        var armed = new StrongBox<bool>(true);
        var runner = TestPipelines.Runner(TestPipelines.Registry(armed));
        var crashed = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("crashed"), 3, crash);

        await Assert.ThrowsAsync<IOException>(() => TestPipelines.RunAsync(runner, crashed, workers: 1));
        Assert.All(Enumerable.Range(0, crashTask), task => Assert.True(File.Exists(_temp.Combine("crashed", "_tasks", $"{task:D5}", "_SUCCESS"))));
        Assert.False(File.Exists(_temp.Combine("crashed", "_tasks", $"{crashTask:D5}", "_SUCCESS")));
        Assert.False(File.Exists(_temp.Combine("crashed", "_SUCCESS")));
        Assert.False(File.Exists(_temp.Combine("crashed", $"part-{crashTask:D5}.parquet")));

        armed.Value = false;
        var rerun = await TestPipelines.RunAsync(runner, crashed, workers: 1);
        Assert.Equal((3 - crashTask, crashTask), (rerun.TasksRun, rerun.TasksSkipped));

        var clean = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("clean"), 3, crash);
        await TestPipelines.RunAsync(runner, clean, workers: 3);
        Assert.Equal(TestPipelines.Snapshot(_temp.Combine("clean")), TestPipelines.Snapshot(_temp.Combine("crashed")));
    }

    [Fact]
    public async Task Leftover_temp_files_of_a_killed_write_are_ignored_and_replaced()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 2, recordsPerFile: 5);
        Directory.CreateDirectory(_temp.Combine("out"));
        await File.WriteAllTextAsync(_temp.Combine("out", ".part-00000.parquet.0123.tmp"), "half a file");
        var spec = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("out"), 1);

        var result = await TestPipelines.RunAsync(TestPipelines.Runner(), spec);

        Assert.Equal(10, result.Manifest!.Samples);
        Assert.Equal(["part-00000.parquet"], result.Manifest.Files.Select(file => file.Name));
    }

    [Fact]
    public async Task Single_tasks_run_separately_complete_the_set_when_the_last_one_finishes()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 5, recordsPerFile: 10);
        var spec = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("out"), tasks: 2);
        var runner = TestPipelines.Runner();

        var first = await TestPipelines.RunAsync(runner, spec, taskIndex: 1);
        Assert.Null(first.Manifest);
        Assert.False(File.Exists(_temp.Combine("out", "_SUCCESS")));

        var second = await TestPipelines.RunAsync(runner, spec, taskIndex: 0);
        Assert.Equal(50, second.Manifest!.Samples);

        await TestPipelines.RunAsync(runner, TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("together"), tasks: 2));
        Assert.Equal(TestPipelines.Snapshot(_temp.Combine("together")), TestPipelines.Snapshot(_temp.Combine("out")));
    }

    [Fact]
    public async Task An_output_written_by_another_configuration_is_refused()
    {
        TestPipelines.WriteTextCorpus(_temp.Combine("in"), files: 2, recordsPerFile: 5);
        await TestPipelines.RunAsync(TestPipelines.Runner(), TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("out"), 1));
        var changed = TestPipelines.TextSpec(_temp.Combine("in"), _temp.Combine("out"), 1, TestPipelines.Stage("filter", ("min_text_chars", 5)));

        var error = await Assert.ThrowsAsync<DataForgeException>(() => TestPipelines.RunAsync(TestPipelines.Runner(), changed));
        Assert.Contains("another configuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_input_is_a_clear_error_naming_it()
    {
        var spec = TestPipelines.TextSpec(_temp.Combine("does-not-exist"), _temp.Combine("out"), 1);
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => TestPipelines.RunAsync(TestPipelines.Runner(), spec));
        Assert.Contains("does-not-exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_hash_ignores_the_output_location_but_not_options()
    {
        var runner = TestPipelines.Runner();
        var a = TestPipelines.TextSpec("in", "out-a", 2);
        var b = TestPipelines.TextSpec("in", "az://c/out-b", 2);
        var c = TestPipelines.TextSpec("in", "out-a", 2, TestPipelines.Stage("filter", ("min_text_chars", 1)));
        var d = TestPipelines.TextSpec("in", "out-a", 2, TestPipelines.Stage("filter", ("min_text_chars", 2)));
        Assert.Equal(runner.ConfigHash(a), runner.ConfigHash(b));
        Assert.NotEqual(runner.ConfigHash(c), runner.ConfigHash(d));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_pipeline_without_a_source_is_a_usage_error()
    {
        var spec = new PipelineSpec("x", ["in"], _temp.Combine("out"), [TestPipelines.Stage("write")], 1, "/");
        var error = await Assert.ThrowsAsync<UsageException>(() => TestPipelines.RunAsync(TestPipelines.Runner(), spec));
        Assert.Contains("no source stage", error.Message, StringComparison.Ordinal);
    }
}
