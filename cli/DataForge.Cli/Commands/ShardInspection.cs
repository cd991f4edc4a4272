using System.Globalization;
using System.Text;
using System.Text.Json;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Packing.Inspect;

namespace DataForge.Cli.Commands;

/// <summary>The shard half of <c>dataforge inspect</c>: summary and decoded rows.</summary>
internal static class ShardInspection
{
    public static async Task<int> RunAsync(CliContext app, IStorage shards, bool json, long[] decode, CancellationToken cancellationToken)
    {
        var summary = await ShardInspector.SummarizeAsync(shards, cancellationToken);
        // The rows asked for, decoded in one pass over the files.
        var texts = await ShardInspector.DecodeRowsAsync(shards, [.. decode.Distinct()], cancellationToken);
        var decoded = new List<string>();
        foreach (var row in decode)
        {
            decoded.Add(texts.GetValueOrDefault(row)
                ?? throw new UsageException($"--decode {row}: the shards have {summary.Rows} rows (0..{summary.Rows - 1})"));
        }

        if (json)
        {
            var document = JsonSerializer.SerializeToNode(summary, DataForgeJson.Indented)!.AsObject();
            if (decoded.Count > 0)
            {
                document["decoded_rows"] = new System.Text.Json.Nodes.JsonArray([.. decoded.Select(text => System.Text.Json.Nodes.JsonValue.Create(text))]);
            }

            await app.Stdout.WriteLineAsync(document.ToJsonString(DataForgeJson.Indented));
        }
        else
        {
            await app.Stdout.WriteAsync(SummaryText(summary));
            foreach (var text in decoded)
            {
                await app.Stdout.WriteLineAsync();
                await app.Stdout.WriteAsync(text);
            }
        }

        return summary.Problems.Count == 0 ? DataForgeApp.Success : DataForgeApp.Failure;
    }

    private static string SummaryText(ShardSummary summary)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"packed shards  {summary.Path}");
        text.AppendLine(invariant, $"  rows        {summary.Rows:N0} × {summary.SeqLen:N0} tokens ({summary.Tokenizer}) in {summary.Files.Count} file(s)");
        if (summary.Splits is { } splits)
        {
            text.AppendLine(invariant, $"  splits      {string.Join(", ", splits.Select(pair => $"{pair.Key} {pair.Value:N0} rows"))} (each folder a shard set of its own; train trains on train and evaluates on dev)");
        }

        if (summary.Mixture is { } mixture)
        {
            text.AppendLine(invariant, $"  mixture     by {mixture.Weights}; worst share error over {mixture.WindowRows:N0}-row windows {mixture.WorstWindowError:P2} (from row {mixture.WorstWindowFirstRow:N0})");
            foreach (var source in mixture.Sources)
            {
                text.AppendLine(invariant, $"    {source.Name,-14} target {source.TargetShare,7:P1}  realised {source.RealisedShare,7:P2}  {source.Tokens,12:N0} tokens  {source.Documents,9:N0} documents  {source.Repeats,9:N0} repeats  {source.Epochs,6:0.###} epochs  ({source.Kind} {source.Path})");
            }
        }

        if (summary.Ranks is { } ranks)
        {
            text.AppendLine(invariant, $"  ranks       {ranks.Count} × {ranks.RowsPerRank:N0} rows ({ranks.DroppedRows} rows, {ranks.DroppedRealTokens:N0} tokens dropped to divide evenly)");
        }

        text.AppendLine(invariant, $"  fill        {summary.FillRatio:P2} ({summary.RealTokens:N0} real tokens)");
        text.AppendLine(invariant, $"  documents   {summary.Documents:N0}");
        text.AppendLine(invariant, $"  loss        {summary.LossTokens:N0} tokens carry loss");
        text.AppendLine(invariant, $"  modality    {string.Join(", ", summary.TokensByModality.Select(pair => $"{pair.Key} {pair.Value:N0}"))}");
        text.AppendLine("  document lengths (tokens)");
        var largest = Math.Max(1, summary.DocumentLengthHistogram.Values.DefaultIfEmpty(0).Max());
        foreach (var (bucket, count) in summary.DocumentLengthHistogram)
        {
            text.AppendLine(invariant, $"    ≤{bucket,7} {count,8:N0} {new string('█', (int)Math.Ceiling(40.0 * count / largest))}");
        }

        foreach (var problem in summary.Problems)
        {
            text.AppendLine(invariant, $"  PROBLEM     {problem}");
        }

        return text.ToString();
    }
}
