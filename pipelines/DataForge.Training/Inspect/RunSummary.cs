using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Training.Training;

namespace DataForge.Training.Inspect;

/// <summary>One step's line of metrics.jsonl, the parts a summary and its plots use.</summary>
public sealed record StepPoint(int Step, double Loss, double? EvalLoss, double TokensPerSecond, long[][] ExpertLoad, long[][][] ModalityExpertTokens);

/// <summary>What a training run did, read back from its run.json and metrics.jsonl.</summary>
public sealed record RunSummary(
    string Path,
    JsonObject Description,
    IReadOnlyList<StepPoint> Steps,
    string? LatestCheckpoint)
{
    public const string Format = "dataforge.train-run";

    public static async Task<bool> IsRunAsync(IStorage folder, CancellationToken cancellationToken) =>
        await folder.ExistsAsync(Trainer.ConfigFile, cancellationToken);

    public static async Task<RunSummary> ReadAsync(IStorage folder, CancellationToken cancellationToken)
    {
        var description = JsonNode.Parse(await folder.ReadAllBytesAsync(Trainer.ConfigFile, cancellationToken)) as JsonObject;
        if (description?["format"]?.GetValue<string>() != Format)
        {
            throw new DataForgeException($"{StoragePaths.Join(folder.Uri, Trainer.ConfigFile)} is not a DataForge training run description");
        }

        var steps = new List<StepPoint>();
        if (await folder.ExistsAsync(Trainer.MetricsFile, cancellationToken))
        {
            var text = System.Text.Encoding.UTF8.GetString(await folder.ReadAllBytesAsync(Trainer.MetricsFile, cancellationToken));
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var node = JsonNode.Parse(line)!;
                steps.Add(new StepPoint(
                    node["step"]!.GetValue<int>(),
                    node["lm_loss"]!.GetValue<double>(),
                    node["eval_loss"]?.GetValue<double>(),
                    node["tokens_per_second"]!.GetValue<double>(),
                    [.. node["expert_load"]!.AsArray().Select(layer => layer!.AsArray().Select(count => count!.GetValue<long>()).ToArray())],
                    [.. node["modality_expert_tokens"]!.AsArray().Select(layer => layer!.AsArray().Select(row => row!.AsArray().Select(count => count!.GetValue<long>()).ToArray()).ToArray())]));
            }
        }

        string? latest = null;
        if (await folder.ExistsAsync($"{Checkpoints.Folder}/latest", cancellationToken))
        {
            latest = System.Text.Encoding.UTF8.GetString(await folder.ReadAllBytesAsync($"{Checkpoints.Folder}/latest", cancellationToken)).Trim();
        }

        return new RunSummary(folder.Uri, description, steps, latest);
    }

    /// <summary>Per MoE layer: the coefficient of variation of expert load summed over the last 10 steps.</summary>
    public IReadOnlyList<double> FinalLoadCv()
    {
        if (Steps.Count == 0)
        {
            return [];
        }

        var last = Steps.TakeLast(10).ToList();
        return [.. Enumerable.Range(0, last[0].ExpertLoad.Length).Select(layer =>
            Trainer.CoefficientOfVariation([.. Enumerable.Range(0, last[0].ExpertLoad[layer].Length).Select(expert => last.Sum(step => step.ExpertLoad[layer][expert]))]))];
    }

    /// <summary>Per MoE layer, [modality][expert]: tokens routed over the whole run.</summary>
    public IReadOnlyList<long[][]> RoutingMatrix() =>
        Steps.Count == 0
            ? []
            : [.. Enumerable.Range(0, Steps[0].ModalityExpertTokens.Length).Select(layer =>
                Enumerable.Range(0, Steps[0].ModalityExpertTokens[layer].Length).Select(modality =>
                    Enumerable.Range(0, Steps[0].ModalityExpertTokens[layer][modality].Length).Select(expert =>
                        Steps.Sum(step => step.ModalityExpertTokens[layer][modality][expert])).ToArray()).ToArray())];

    public JsonObject ToJson()
    {
        var evals = Steps.Where(step => step.EvalLoss is not null).ToList();
        return new JsonObject
        {
            ["path"] = Path,
            ["steps"] = Steps.Count,
            ["first_loss"] = Steps.Count > 0 ? Steps[0].Loss : null,
            ["last_loss"] = Steps.Count > 0 ? Steps[^1].Loss : null,
            ["min_loss"] = Steps.Count > 0 ? Steps.Min(step => step.Loss) : null,
            ["last_eval_loss"] = evals.Count > 0 ? evals[^1].EvalLoss : null,
            ["median_tokens_per_second"] = Steps.Count > 0 ? Steps.Select(step => step.TokensPerSecond).Order().ElementAt(Steps.Count / 2) : null,
            ["final_expert_load_cv"] = new JsonArray([.. FinalLoadCv().Select(cv => JsonValue.Create(Math.Round(cv, 4)))]),
            ["routing_matrix"] = new JsonArray([.. RoutingMatrix().Select(layer => (JsonNode)new JsonArray([.. layer.Select(row => (JsonNode)new JsonArray([.. row.Select(count => JsonValue.Create(count))]))]))]),
            ["latest_checkpoint"] = LatestCheckpoint,
            ["run"] = Description.DeepClone(),
        };
    }
}
