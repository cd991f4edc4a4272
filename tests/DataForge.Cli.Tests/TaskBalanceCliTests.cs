using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Issue 22: tasks are balanced by input size through the real CLI: four files in four tasks give each task one file
/// (hashing paths once gave one task two and another none), unequal files go largest first into the least-loaded
/// task, and a rerun after the inputs changed is refused instead of mixing two file sets.
/// </summary>
public sealed class TaskBalanceCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> CorpusAsync(params int[] linesPerFile)
    {
        var input = _temp.Combine("corpus");
        Directory.CreateDirectory(input);
        for (var file = 0; file < linesPerFile.Length; file++)
        {
            await File.WriteAllLinesAsync(
                Path.Combine(input, $"f{file}.jsonl"),
                Enumerable.Range(0, linesPerFile[file]).Select(line => $$"""{"text":"file {{file}} line {{line}} of the corpus"}"""));
        }

        return input;
    }

    private async Task<string> PipelineAsync(string input, int tasks)
    {
        var pipeline = _temp.Combine("p.yaml");
        await File.WriteAllTextAsync(pipeline, $"name: balance\ninputs: [{input}]\noutput: {_temp.Combine("out")}\ntasks: {tasks}\nstages:\n  - read-text\n  - write\n");
        return pipeline;
    }

    private List<int> InputsPerTask(int tasks) =>
        [.. Enumerable.Range(0, tasks).Select(task =>
            JsonDocument.Parse(File.ReadAllText(_temp.Combine("out", "_tasks", $"{task:D5}", "_SUCCESS"))).RootElement.GetProperty("inputs").GetInt32())];

    private long SamplesOf(int task) =>
        JsonDocument.Parse(File.ReadAllText(_temp.Combine("out", "_tasks", $"{task:D5}", "_SUCCESS"))).RootElement.GetProperty("samples").GetInt64();

    [Fact]
    public async Task Four_files_in_four_tasks_give_each_task_one_file()
    {
        var pipeline = await PipelineAsync(await CorpusAsync(50, 50, 50, 50), 4);
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([1, 1, 1, 1], InputsPerTask(4));
    }

    [Fact]
    public async Task Unequal_files_go_largest_first_into_the_least_loaded_task()
    {
        // Sizes 400, 300, 200, 100, 100 lines into 2 tasks: 400 → t0, 300 → t1, 200 → t1 (500), 100 → t0 (500), 100 → t0.
        var pipeline = await PipelineAsync(await CorpusAsync(100, 400, 300, 100, 200), 2);
        var run = await CliProcess.RunAsync("run", pipeline);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([3, 2], InputsPerTask(2));
        Assert.Equal((600L, 500L), (SamplesOf(0), SamplesOf(1)));
    }

    [Fact]
    public async Task A_rerun_whose_input_files_changed_is_refused_and_an_unchanged_one_skips_every_task()
    {
        var input = await CorpusAsync(50, 60, 70);
        var pipeline = await PipelineAsync(input, 2);
        Assert.Equal(0, (await CliProcess.RunAsync("run", pipeline)).ExitCode);
        var rerun = await CliProcess.RunAsync("run", pipeline);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("skipped (already done) 2", rerun.Stdout + rerun.Stderr, StringComparison.Ordinal);

        await File.AppendAllTextAsync(Path.Combine(input, "f0.jsonl"), "{\"text\":\"one more line\"}\n");
        var changed = await CliProcess.RunAsync("run", pipeline);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("finished on other input files", changed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", changed.Stderr, StringComparison.Ordinal);
    }
}
