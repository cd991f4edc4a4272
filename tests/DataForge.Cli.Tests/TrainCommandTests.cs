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
        Assert.Contains("\"expert_load\"", report, StringComparison.Ordinal);
        Assert.Contains("window.DATAFORGE_STATIC", report, StringComparison.Ordinal);

        var again = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", run, "--steps", "16");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr, StringComparison.Ordinal);

        var more = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", run, "--steps", "18", "--checkpoint-every", "8", "--eval-every", "8", "--threads", "2", "--resume");
        Assert.True(more.ExitCode == 0, more.Stderr);
        Assert.Contains("resumed from step-000016", more.Stderr, StringComparison.Ordinal);
        Assert.Equal(18, (await File.ReadAllLinesAsync(Path.Combine(run, "metrics.jsonl"))).Length);
    }

    [Fact]
    public async Task Arrow_shards_train_to_the_parquet_runs_losses_with_their_images_and_a_missing_format_is_an_error()
    {
        var set = _temp.Combine("demo");
        Assert.Equal(0, (await CliProcess.RunAsync("run", "samples/pipelines/demo.yaml", "--output", set)).ExitCode);
        var both = _temp.Combine("both");
        var pack = await CliProcess.RunAsync("pack", set, "--out", both, "--format", "both", "--seq-len", "1024");
        Assert.True(pack.ExitCode == 0, pack.Stderr);
        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(both, "index.json")))!;
        Assert.Equal("both", (string)index["shard_format"]!);
        Assert.All(index["files"]!.AsArray(), file => Assert.True(File.Exists(Path.Combine(both, (string)file!["arrow"]!["name"]!))));

        async Task<List<string>> TrainAsync(string format)
        {
            var run = _temp.Combine($"run-{format}");
            var train = await CliProcess.RunAsync("train", "--shards", both, "--out", run, "--steps", "4", "--threads", "2", "--shard-format", format, "--media", set);
            Assert.True(train.ExitCode == 0, train.Stderr);
            var lines = (await File.ReadAllLinesAsync(Path.Combine(run, "metrics.jsonl"))).Select(line => JsonNode.Parse(line)!).ToList();
            Assert.All(lines, line => Assert.True((double)line["data_wait_seconds"]! >= 0));
            Assert.True(lines.Sum(line => (long)line["images"]!) > 0, "the demo's images train from either format");
            return [.. lines.Select(line => $"{line["loss"]}|{line["grad_norm"]}|{line["rows"]!.ToJsonString()}")];
        }

        Assert.Equal(await TrainAsync("parquet"), await TrainAsync("arrow"));

        var parquetOnly = await CliProcess.RunAsync("train", "--shards", Path.Combine(set, "shards"), "--out", _temp.Combine("run-none"), "--steps", "1", "--shard-format", "arrow");
        Assert.Equal(1, parquetOnly.ExitCode);
        Assert.Contains("has no arrow shard files", parquetOnly.Stderr, StringComparison.Ordinal);
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
