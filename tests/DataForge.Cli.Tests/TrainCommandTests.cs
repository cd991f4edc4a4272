using System.Text.Json.Nodes;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>dataforge train</c> on the demo pipeline's shards (CPU, tiny preset).</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_tiny_model_trains_on_the_demo_shards_with_falling_loss_and_resumes()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        var run = _temp.Combine("run");

        var train = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", run, "--steps", "16", "--checkpoint-every", "8", "--eval-every", "8", "--threads", "2");

        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("16 steps, loss", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("held-out loss", train.Stdout, StringComparison.Ordinal);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(run, "metrics.jsonl"))).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal(16, lines.Count);
        var losses = lines.Select(line => (double)line["lm_loss"]!).ToList();
        Assert.True(losses.TakeLast(3).Average() < losses.Take(3).Average() - 0.5, $"loss {losses.Take(3).Average():0.00} → {losses.TakeLast(3).Average():0.00}");
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "step-000016")));

        var inspect = await CliProcess.RunAsync("inspect", run, "--json", "--html", Path.Combine(run, "report.html"));
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        var summary = JsonNode.Parse(inspect.Stdout)!;
        Assert.Equal(16, (int)summary["steps"]!);
        Assert.Equal("step-000016", (string)summary["latest_checkpoint"]!);
        Assert.Single(summary["final_expert_load_cv"]!.AsArray());
        // Routing matrix of the one MoE layer: text, image, audio rows; the demo has text and images.
        var matrix = summary["routing_matrix"]![0]!.AsArray();
        Assert.True(matrix[0]!.AsArray().Sum(count => (long)count!) > 0);
        Assert.True(matrix[1]!.AsArray().Sum(count => (long)count!) > 0);
        var report = await File.ReadAllTextAsync(Path.Combine(run, "report.html"));
        Assert.Contains("<svg", report, StringComparison.Ordinal);
        Assert.Contains("modality × expert", report, StringComparison.Ordinal);

        var again = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", run, "--steps", "16");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr, StringComparison.Ordinal);

        var more = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", run, "--steps", "18", "--checkpoint-every", "8", "--eval-every", "8", "--threads", "2", "--resume");
        Assert.True(more.ExitCode == 0, more.Stderr);
        Assert.Contains("resumed from step-000016", more.Stderr, StringComparison.Ordinal);
        Assert.Equal(18, (await File.ReadAllLinesAsync(Path.Combine(run, "metrics.jsonl"))).Length);
    }

    [Theory]
    [InlineData("--preset", "huge", "use tiny or small")]
    [InlineData("--steps", "0", "must be positive")]
    public async Task Bad_options_are_usage_errors(string option, string value, string message)
    {
        var run = await CliProcess.RunAsync("train", "--shards", "nowhere", "--out", _temp.Combine("run"), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shards_that_are_not_there_are_a_clear_error()
    {
        var run = await CliProcess.RunAsync("train", "--shards", _temp.Combine("none"), "--out", _temp.Combine("run"));

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }
}
