using System.Globalization;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Training.Inspect;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge inspect RUN_DIR [--json]</c>: a training run's loss, throughput and expert balance.</summary>
internal static class RunInspection
{
    public static async Task<int> RunAsync(CliContext app, IStorage folder, bool json, CancellationToken cancellationToken)
    {
        var run = await RunSummary.ReadAsync(folder, cancellationToken);
        if (json)
        {
            await app.Stdout.WriteLineAsync(run.ToJson().ToJsonString(DataForgeJson.Indented));
        }
        else
        {
            var invariant = CultureInfo.InvariantCulture;
            var summary = run.ToJson();
            var model = run.Description["model"]!;
            await app.Stdout.WriteLineAsync($"training run  {run.Path}");
            await app.Stdout.WriteLineAsync(string.Create(invariant, $"  model       {model["layers"]} layers, d={model["dim"]}, {model["experts"]} experts top-{model["top_k"]} + shared, vocabulary {(int)model["vocab_size"]!:N0}, modality routing {model["modality_routing"]}"));
            await app.Stdout.WriteLineAsync(string.Create(invariant, $"  data        {run.Description["shards"]} ({run.Description["train_rows"]} rows of {run.Description["seq_len"]} tokens, {run.Description["eval_rows"]} held out)"));
            if (run.Steps.Count > 0)
            {
                await app.Stdout.WriteLineAsync(string.Create(invariant, $"  steps       {run.Steps.Count}, loss {run.Steps[0].Loss:0.0000} → {run.Steps[^1].Loss:0.0000} (min {(double)summary["min_loss"]!:0.0000}){(summary["last_eval_loss"] is { } eval ? $", held-out {(double)eval:0.0000}" : string.Empty)}"));
                await app.Stdout.WriteLineAsync(string.Create(invariant, $"  throughput  {(double)summary["median_tokens_per_second"]!:0} tokens/s (median step)"));
                await app.Stdout.WriteLineAsync(string.Create(invariant, $"  expert load coefficient of variation, last 10 steps: {string.Join(", ", run.FinalLoadCv().Select((cv, layer) => $"layer {layer + 1} {cv:0.000}"))}"));
            }

            await app.Stdout.WriteLineAsync($"  checkpoint  {run.LatestCheckpoint ?? "none"}");
        }

        return DataForgeApp.Success;
    }
}
