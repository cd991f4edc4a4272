using System.Diagnostics;
using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Issue 22: real SIGTERM and SIGINT sent to the real process at a seeded moment. train stops between steps with a
/// checkpoint, exits 143 / 130 with one line, and --resume gives the uninterrupted run's losses exactly (CPU); run
/// stops with its finished tasks kept and the rerun's bytes equal an uninterrupted run's; --stop-after stops on time.
/// </summary>
public sealed class StopSignalTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Send(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Starts the CLI, sends <paramref name="signal"/> once stderr has shown <paramref name="after"/>, and waits.</summary>
    private static async Task<CliResult> SignalAsync(string signal, Func<string, bool> after, params string[] args)
    {
        using var process = Process.Start(CliProcess.StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var sent = false;
        string? line;
        while ((line = await process.StandardError.ReadLineAsync()) is not null)
        {
            stderr.AppendLine(line);
            if (!sent && after(line))
            {
                Send(process, signal);
                sent = true;
            }
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(sent, $"the moment to send {signal} never came: {stderr}");
        return new CliResult(process.ExitCode, await stdout, stderr.ToString());
    }

    private async Task<string> DemoShardsAsync()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        return Path.Combine(set, "shards");
    }

    private static List<string> Losses(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line => JsonNode.Parse(line)!).Select(line => $"{line["step"]}|{line["loss"]}|{line["grad_norm"]}")];

    [Theory]
    [InlineData("TERM", 143, 3)]
    [InlineData("INT", 130, 5)]
    public async Task Train_stops_between_steps_with_a_checkpoint_and_resumes_to_the_uninterrupted_losses(string signal, int exitCode, int atStep)
    {
        var shards = await DemoShardsAsync();
        string[] common = ["--shards", shards, "--steps", "12", "--checkpoint-every", "50", "--eval-every", "50", "--threads", "2"];
        var clean = _temp.Combine("clean");
        Assert.Equal(0, (await CliProcess.RunAsync(["train", .. common, "--out", clean], null)).ExitCode);

        var stopped = _temp.Combine("stopped");
        var result = await SignalAsync(signal, line => line.StartsWith($"step {atStep}/12", StringComparison.Ordinal), ["train", .. common, "--out", stopped]);
        Assert.True(result.ExitCode == exitCode, result.Stderr);
        Assert.Contains($"stopped by SIG{signal}: step ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--resume", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
        var checkpoint = Assert.Single(Directory.GetDirectories(Path.Combine(stopped, "checkpoints")));
        var reached = int.Parse(Path.GetFileName(checkpoint)["step-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reached, atStep, 11);
        Assert.Equal(reached, File.ReadAllLines(Path.Combine(stopped, "metrics.jsonl")).Length);

        var resumed = await CliProcess.RunAsync(["train", .. common, "--out", stopped, "--resume"], null);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(Losses(clean), Losses(stopped));
    }

    [Fact]
    public async Task Train_stop_after_a_duration_keeps_a_checkpoint_and_exits_0()
    {
        var shards = await DemoShardsAsync();
        var run = _temp.Combine("timed");
        var result = await CliProcess.RunAsync("train", "--shards", shards, "--steps", "100000", "--threads", "2", "--out", run, "--stop-after", "3s");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("stopped after 3s (--stop-after): step ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("elapsed ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(" eta ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(Path.Combine(run, "checkpoints")));
        var bad = await CliProcess.RunAsync("train", "--shards", shards, "--out", _temp.Combine("bad"), "--stop-after", "soon");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--stop-after 'soon' is not a duration", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_stopped_by_SIGTERM_exits_143_keeps_finished_tasks_and_the_rerun_equals_an_uninterrupted_run()
    {
        var input = _temp.Combine("corpus");
        Directory.CreateDirectory(input);
        for (var file = 0; file < 6; file++)
        {
            await File.WriteAllLinesAsync(
                Path.Combine(input, $"f{file}.jsonl"),
                Enumerable.Range(0, 20000).Select(line => $$"""{"text":"file {{file}} line {{line}} {{new string('q', line % 40)}}"}"""));
        }

        string Pipeline(string output)
        {
            var path = _temp.Combine($"{output}.yaml");
            File.WriteAllText(path, $"name: stop\ninputs: [{input}]\noutput: {_temp.Combine(output)}\ntasks: 6\nstages:\n  - read-text\n  - write: {{row_group_size: 500}}\n");
            return path;
        }

        Assert.Equal(0, (await CliProcess.RunAsync("run", Pipeline("clean"), "--workers", "1")).ExitCode);
        var stopped = Pipeline("stopped");
        var result = await SignalAsync("TERM", line => line.Contains("done:", StringComparison.Ordinal), "run", stopped, "--workers", "1", "--verbose");
        Assert.True(result.ExitCode == 143, result.Stderr);
        Assert.Contains("stopped by SIGTERM: finished tasks and files are kept", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("stopped", "_SUCCESS")));
        Assert.Empty(Directory.GetFiles(_temp.Combine("stopped"), "*.tmp*", SearchOption.AllDirectories));

        Assert.Equal(0, (await CliProcess.RunAsync("run", stopped, "--workers", "1")).ExitCode);
        foreach (var file in Directory.GetFiles(_temp.Combine("clean"), "part-*.parquet"))
        {
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(_temp.Combine("stopped", Path.GetFileName(file))));
        }
    }
}
