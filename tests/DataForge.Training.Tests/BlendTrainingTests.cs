using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Testing;
using DataForge.Training.Data;
using DataForge.Training.Training;

namespace DataForge.Training.Tests;

/// <summary><c>train --data 0.7 A 0.3 B</c>: rows blended by real tokens, counted per source per step, resumed exactly.</summary>
public sealed class BlendTrainingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TrainOptions Options(int steps) => new()
    {
        Steps = steps,
        BatchSize = 2,
        LearningRate = 1e-2,
        WarmupSteps = 2,
        CheckpointEvery = 100,
        EvalEvery = 5,
        EvalRows = 1,
        Threads = 1,
        Seed = 5,
    };

    private async Task<IReadOnlyList<TrainingSet>> SetsAsync() =>
    [
        new("big", new LocalStorage(await SyntheticShards.WriteAsync(_temp.Combine("big"), 24, seed: 1)), 0.7, null),
        new("small", new LocalStorage(await SyntheticShards.WriteAsync(_temp.Combine("small"), 5, seed: 2)), 0.3, null),
    ];

    private static List<JsonObject> Metrics(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Select(line => JsonNode.Parse(line)!.AsObject())];

    [Fact]
    public async Task Each_source_gives_its_share_of_tokens_and_the_small_one_cycles_its_epochs()
    {
        var sets = await SetsAsync();
        var run = _temp.Combine("run");
        await new Trainer(Options(20), _ => { }).RunAsync(sets, run, resume: false, CancellationToken.None);

        var lines = Metrics(run);
        var big = lines.Sum(line => (long)line["source_tokens"]!["big"]!);
        var small = lines.Sum(line => (long)line["source_tokens"]!["small"]!);
        Assert.Equal(lines.Sum(line => (long)line["tokens"]!), big + small);
        Assert.InRange(small / (double)(big + small), 0.27, 0.33);

        // 40 rows at 30 %: the small set (4 training rows) went round about three times; the big one not even twice.
        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(run, Trainer.ConfigFile)))!["data"]!.AsArray();
        Assert.Equal(["big", "small"], data.Select(source => (string)source!["name"]!));
    }

    [Fact]
    public async Task A_resumed_blend_continues_exactly_where_the_uninterrupted_one_goes()
    {
        var sets = await SetsAsync();
        var options = Options(10) with { CheckpointEvery = 4 };
        await new Trainer(options, _ => { }).RunAsync(sets, _temp.Combine("whole"), resume: false, CancellationToken.None);

        using var crash = new CancellationTokenSource();
        var interrupted = new Trainer(options, line =>
        {
            if (line.StartsWith("step 6/", StringComparison.Ordinal))
            {
                crash.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.RunAsync(sets, _temp.Combine("resumed"), resume: false, crash.Token));
        await new Trainer(options, _ => { }).RunAsync(sets, _temp.Combine("resumed"), resume: true, CancellationToken.None);

        static IEnumerable<string> Curve(string run) => Metrics(run).Select(line => $"{line["step"]} {line["loss"]} {line["grad_norm"]} {line["source_tokens"]!.ToJsonString()}");
        Assert.Equal(Curve(_temp.Combine("whole")), Curve(_temp.Combine("resumed")));

        // Another blend cannot resume this run's checkpoint.
        IReadOnlyList<TrainingSet> swapped = [sets[1], sets[0]];
        var refused = await Assert.ThrowsAsync<UsageException>(() => new Trainer(options with { Steps = 12 }, _ => { }).RunAsync(swapped, _temp.Combine("resumed"), resume: true, CancellationToken.None));
        Assert.Contains("is not this run's", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_world_size_that_does_not_divide_the_training_rows_is_refused_by_set()
    {
        var sets = await SetsAsync();
        var refused = await Assert.ThrowsAsync<UsageException>(() => new Trainer(Options(2) with { WorldSize = 4 }, _ => { }).RunAsync(sets, _temp.Combine("run"), resume: false, CancellationToken.None));
        Assert.Contains(_temp.Combine("small"), refused.Message, StringComparison.Ordinal);
        Assert.Contains("5 training rows do not divide into 4 ranks", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--ranks 4", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sets_of_another_seq_len_cannot_train_together()
    {
        IReadOnlyList<TrainingSet> sets =
        [
            new("a", new LocalStorage(await SyntheticShards.WriteAsync(_temp.Combine("a"), 6, length: 64)), 1, null),
            new("b", new LocalStorage(await SyntheticShards.WriteAsync(_temp.Combine("b"), 6, length: 32)), 1, null),
        ];
        var refused = await Assert.ThrowsAsync<UsageException>(() => new Trainer(Options(2), _ => { }).RunAsync(sets, _temp.Combine("run"), resume: false, CancellationToken.None));
        Assert.Contains("seq_len 32 and 64", refused.Message, StringComparison.Ordinal);
    }
}
