using System.Text.RegularExpressions;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>`dataforge run --executor slurm` against a real single-node Slurm started for these tests.</summary>
[Collection(SlurmCollection.Name)]
public sealed partial class SlurmExecutorTests(SlurmCluster slurm) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(string Array, string Finish)> SubmitAsync(string output, int concurrency)
    {
        var result = await CliProcess.RunAsync(
            ["run", "samples/pipelines/demo.yaml", "--executor", "slurm", "--tasks", "3", "--concurrency", $"{concurrency}", "--cpus", "1", "--output", output, "--script-dir", _temp.Combine("scripts"), "--node-command", $"dotnet {Path.Combine(AppContext.BaseDirectory, "dataforge.dll")}"],
            slurm.Environment);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var ids = Submitted().Match(result.Stdout);
        Assert.True(ids.Success, result.Stdout);
        return (ids.Groups["array"].Value, ids.Groups["finish"].Value);
    }

    private async Task<SortedDictionary<string, byte[]>> LocalAsync()
    {
        var local = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("local"), "--tasks", "3", "--workers", "1");
        Assert.Equal(0, local.ExitCode);
        return EndToEndTests.Snapshot(_temp.Combine("local"));
    }

    [Fact]
    public async Task A_pipeline_of_several_tasks_completes_through_sbatch_to_the_local_bytes()
    {
        var expected = await LocalAsync();
        var output = _temp.Combine("slurm-out");

        var (array, finish) = await SubmitAsync(output, concurrency: 2);
        await slurm.WaitAsync([array, finish], Patience);

        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")), $"no _SUCCESS; logs: {string.Join('\n', Directory.GetFiles(_temp.Combine("scripts", "logs")).Select(File.ReadAllText))}");
        EndToEndTests.AssertSameFiles(expected, output);
    }

    [Fact]
    public async Task A_cancelled_array_task_is_redone_by_resubmitting_and_the_output_equals_the_local_one()
    {
        var expected = await LocalAsync();
        var output = _temp.Combine("slurm-out");

        // One task at a time, so task 1 is still waiting when it is cancelled; the finishing job, afterok on the whole
        // array, can then never run and is cancelled too.
        var (array, finish) = await SubmitAsync(output, concurrency: 1);
        Assert.Equal(0, slurm.Run("scancel", $"{array}_1").ExitCode);
        await slurm.WaitAsync([array, finish], Patience);

        Assert.False(File.Exists(Path.Combine(output, "_SUCCESS")));
        var status = await CliProcess.RunAsync("status", output);
        Assert.Contains("3 tasks: 2 done, 1 missing", status.Stdout, StringComparison.Ordinal);

        var (again, finishAgain) = await SubmitAsync(output, concurrency: 2);
        await slurm.WaitAsync([again, finishAgain], Patience);

        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        EndToEndTests.AssertSameFiles(expected, output);
    }

    [GeneratedRegex(@"array job (?<array>\d+) .*finishing job (?<finish>\d+)")]
    private static partial Regex Submitted();
}
