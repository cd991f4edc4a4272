using System.Text.Json.Nodes;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class StatusCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Status_lists_each_tasks_state_and_retry_failed_finishes_the_run_to_the_local_bytes()
    {
        var whole = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", _temp.Combine("whole"), "--tasks", "3", "--workers", "2");
        Assert.Equal(0, whole.ExitCode);
        var output = _temp.Combine("partial");
        var one = await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", output, "--tasks", "3", "--task-index", "1", "--workers", "2");
        Assert.Equal(0, one.ExitCode);
        // Task 0 failed with an error that names a secret; task 2's process died with its lease held an hour ago.
        Directory.CreateDirectory(Path.Combine(output, "_tasks", "00000"));
        Directory.CreateDirectory(Path.Combine(output, "_tasks", "00002"));
        await File.WriteAllTextAsync(Path.Combine(output, TaskFiles.Failure(0)), new JsonObject { ["error"] = TaskFiles.Redact("IOException: DefaultEndpointsProtocol=http;AccountName=x;AccountKey=c2VjcmV0;BlobEndpoint=y"), ["at"] = "2026-11-29T10:00:00+00:00", ["host"] = "node7" }.ToJsonString());
        var stale = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
        await File.WriteAllTextAsync(Path.Combine(output, TaskFiles.Lease(2)), new JsonObject { ["host"] = "node9", ["pid"] = 4242, ["started"] = stale, ["heartbeat"] = stale }.ToJsonString());

        var status = await CliProcess.RunAsync("status", output);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("3 tasks: 1 done, 1 stalled, 1 failed", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("node7", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("node9 pid 4242", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("AccountKey=***", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", status.Stdout, StringComparison.Ordinal);
        var json = JsonNode.Parse((await CliProcess.RunAsync("status", output, "--json")).Stdout)!;
        Assert.Equal("failed", (string)json["task_states"]![0]!["state"]!);
        Assert.Equal("done", (string)json["task_states"]![1]!["state"]!);
        Assert.Equal("stalled", (string)json["task_states"]![2]!["state"]!);

        var retried = await CliProcess.RunAsync("status", output, "--retry-failed", "--pipeline", "samples/pipelines/demo.yaml", "--workers", "2");

        Assert.True(retried.ExitCode == 0, retried.Stderr);
        Assert.Contains("retrying task 0", retried.Stderr, StringComparison.Ordinal);
        Assert.Contains("retrying task 2", retried.Stderr, StringComparison.Ordinal);
        var after = await CliProcess.RunAsync("status", output);
        Assert.Contains("3 tasks: 3 done; finished (_SUCCESS)", after.Stdout, StringComparison.Ordinal);
        EndToEndTests.AssertSameFiles(EndToEndTests.Snapshot(_temp.Combine("whole")), output);
    }

    [Fact]
    public async Task Retrying_with_another_pipeline_is_refused()
    {
        var output = _temp.Combine("out");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", output, "--tasks", "2", "--task-index", "0", "--workers", "2")).ExitCode);

        var result = await CliProcess.RunAsync("status", output, "--retry-failed", "--pipeline", "samples/pipelines/asr.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("configuration hash differs", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_folder_that_is_no_run_says_so()
    {
        var result = await CliProcess.RunAsync("status", _temp.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not the output of a DataForge run", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
