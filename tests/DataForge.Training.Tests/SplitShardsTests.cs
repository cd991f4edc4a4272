using System.Text.Json.Nodes;
using DataForge.Core.Pipeline;
using DataForge.Core.Storage;
using DataForge.Packing;
using DataForge.Packing.Shards;
using DataForge.Testing;
using DataForge.Training.Data;

namespace DataForge.Training.Tests;

/// <summary>Splits flow through pack (one shard set per split, one index.json listing them) and train evaluates on dev.</summary>
public sealed class SplitShardsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Pack_writes_a_shard_set_per_split_and_the_trainer_never_trains_on_dev_or_test()
    {
        Directory.CreateDirectory(_temp.Combine("in"));
        var splits = new[] { "train", "train", "dev", "test", null, "train", "dev", "../up" };
        await File.WriteAllLinesAsync(_temp.Combine("in", "t.jsonl"), splits.Select((split, i) =>
        {
            var row = new JsonObject { ["id"] = $"d{i}", ["text"] = string.Concat(Enumerable.Repeat($"document {i} of the {split ?? "unsplit"} part. ", 30)) };
            if (split is not null)
            {
                row["split"] = split;
            }

            return row.ToJsonString();
        }));
        var output = _temp.Combine("out");
        var spec = new PipelineSpec("splits", [], output,
        [
            new StageSpec("read-table", new JsonObject { ["inputs"] = new JsonArray(_temp.Combine("in", "t.jsonl")) }, new SourceLocation("t", 1, 1)),
            new StageSpec("pack", new JsonObject { ["seq_len"] = 128, ["path"] = "shards" }, new SourceLocation("t", 2, 1)),
        ], 2, "/");
        await PipelineRuns.RunAsync(spec, [PackStage.Definition]);

        var shards = new LocalStorage(_temp.Combine("out", "shards"));
        var index = await ShardReader.ReadIndexAsync(shards);
        Assert.Equal(["dev", "test", "train"], index.Splits!.Keys);
        Assert.Equal(index.Rows, index.Files.Sum(file => file.Rows));
        Assert.Contains(index.Files, file => !file.Name.Contains('/', StringComparison.Ordinal)); // the unsplit document, at the top
        var documentsBySplit = new Dictionary<string, List<string>>();
        foreach (var split in index.Splits.Keys)
        {
            // Each split's folder is a shard set of its own, its rows only its documents.
            var folder = shards.At(split);
            var own = await ShardReader.ReadIndexAsync(folder);
            Assert.Equal(index.Splits[split].Rows, own.Rows);
            documentsBySplit[split] = await ShardReader.ReadRowsAsync(folder, own).SelectMany(row => row.Row.DocIds.ToAsyncEnumerable()).Order(StringComparer.Ordinal).ToListAsync();
        }

        Assert.Equal(["d2", "d6"], documentsBySplit["dev"].Select(id => id.Split('#')[0]).Distinct());
        Assert.Equal(["d3"], documentsBySplit["test"].Select(id => id.Split('#')[0]).Distinct());
        Assert.Equal(["d0", "d1", "d5"], documentsBySplit["train"].Select(id => id.Split('#')[0]).Distinct());
        var rejects = Directory.GetFiles(_temp.Combine("out", "rejects")).SelectMany(File.ReadLines).ToList();
        Assert.Contains(rejects, line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString() == "pack.invalid_split" && line.Contains("'../up'", StringComparison.Ordinal));

        // Train: the train split and the unsplit rows; held out: the dev split, whole (it is small); test never read.
        var rows = await ShardRows.OpenAsync(shards, seed: 1, evalRows: 1, CancellationToken.None);
        Assert.Equal("dev", rows.DevSplit);
        Assert.Equal(index.Splits["dev"].Rows, rows.EvalRows);
        Assert.Equal(index.Splits["train"].Rows + index.Files.Where(file => !file.Name.Contains('/', StringComparison.Ordinal)).Sum(file => file.Rows), rows.TrainRows);
        var trained = new List<string>();
        await foreach (var row in rows.EpochAsync(0))
        {
            trained.AddRange(row.Row.DocIds.Select(id => id.Split('#')[0]));
        }

        Assert.Equal(["d0", "d1", "d4", "d5"], trained.Distinct().Order(StringComparer.Ordinal));
        var held = (await rows.EvalAsync(CancellationToken.None)).SelectMany(row => row.DocIds).Select(id => id.Split('#')[0]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["d2", "d6"], held);
    }
}
