using System.Text;
using System.Text.Json.Nodes;
using DataForge.Core.Storage;
using DataForge.Training.Inspect;
using DataForge.Training.Training;

namespace DataForge.Inspect.Web;

/// <summary>
/// A training run for the page: its configuration (run.json), the summary <c>inspect --json</c> prints, and each step's
/// curves from metrics.jsonl (loss, held-out loss, lr, grad norm, tokens/s, expert load per layer, modality routing).
/// </summary>
public sealed class RunView(InspectTarget target)
{
    private static readonly string[] StepFields = ["step", "loss", "lm_loss", "aux_loss", "eval_loss", "lr", "grad_norm", "tokens_per_second", "expert_load", "modality_expert_tokens"];

    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        var run = await RunSummary.ReadAsync(target.Storage, cancellationToken);
        var steps = new JsonArray();
        if (await target.Storage.ExistsAsync(Trainer.MetricsFile, cancellationToken))
        {
            var text = Encoding.UTF8.GetString(await target.Storage.ReadAllBytesAsync(Trainer.MetricsFile, cancellationToken));
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (JsonNode.Parse(line) is JsonObject node)
                {
                    steps.Add(new JsonObject([.. StepFields.Where(node.ContainsKey).Select(field => KeyValuePair.Create(field, node[field]?.DeepClone()))]));
                }
            }
        }

        return new JsonObject { ["summary"] = run.ToJson(), ["config"] = run.Description.DeepClone(), ["steps"] = steps };
    }
}
